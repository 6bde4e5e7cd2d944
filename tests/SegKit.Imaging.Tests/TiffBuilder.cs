using System.Buffers.Binary;

namespace SegKit.Imaging.Tests;

/// <summary>One page for <see cref="TiffBuilder"/>: interleaved samples of one numeric type, row by row.</summary>
internal sealed record TiffPageSpec(int Width, int Height, int Samples, Array Values);

/// <summary>
/// Writes uncompressed single-strip TIFFs byte by byte, in either byte order, independently of OpenCV: for
/// kinds OpenCV does not write (uint32, big-endian, 0x0, a looping page chain) and for known-byte checks.
/// </summary>
internal static class TiffBuilder
{
    public static byte[] Build(params TiffPageSpec[] pages) => Build(bigEndian: false, loop: false, pages);

    public static byte[] Build(bool bigEndian, bool loop, params TiffPageSpec[] pages)
    {
        var file = new Writer(bigEndian);
        file.Bytes(bigEndian ? "MM"u8 : "II"u8);
        file.U16(42);
        long firstPointer = file.Position;
        file.U32(0);
        long previousPointer = firstPointer;
        long firstIfd = 0;
        foreach (TiffPageSpec page in pages)
        {
            (int bits, int format) = SampleKind(page.Values);
            long dataOffset = file.Position;
            WriteSamples(file, page.Values);
            long dataLength = file.Position - dataOffset;
            file.Align();

            // Per-sample tags hold one value per channel; beyond two they do not fit in the entry.
            long bitsOffset = 0, formatOffset = 0;
            if (page.Samples > 2)
            {
                bitsOffset = file.Position;
                for (int s = 0; s < page.Samples; s++)
                {
                    file.U16((ushort)bits);
                }

                formatOffset = file.Position;
                for (int s = 0; s < page.Samples; s++)
                {
                    file.U16((ushort)format);
                }
            }

            file.Align();
            long ifd = file.Position;
            firstIfd = firstIfd == 0 ? ifd : firstIfd;
            file.Patch32(previousPointer, (uint)ifd);
            var entries = new List<(ushort Tag, ushort Type, uint Count, uint Value)>
            {
                (256, 4, 1, (uint)page.Width),
                (257, 4, 1, (uint)page.Height),
                (258, 3, (uint)page.Samples, page.Samples > 2 ? (uint)bitsOffset : (uint)bits),
                (259, 3, 1, 1),
                (262, 3, 1, page.Samples >= 3 ? 2u : 1u),
                (273, 4, 1, (uint)dataOffset),
                (277, 3, 1, (uint)page.Samples),
                (278, 4, 1, (uint)page.Height),
                (279, 4, 1, (uint)dataLength),
                (284, 3, 1, 1),
            };
            if (page.Samples == 4)
            {
                entries.Add((338, 3, 1, 2)); // the fourth sample is unassociated alpha
            }

            entries.Add((339, 3, (uint)page.Samples, page.Samples > 2 ? (uint)formatOffset : (uint)format));
            file.U16((ushort)entries.Count);
            foreach (var (tag, type, count, value) in entries)
            {
                file.U16(tag);
                file.U16(type);
                file.U32(count);
                file.InlineValue(type, count, value);
            }

            previousPointer = file.Position;
            file.U32(0);
        }

        if (loop)
        {
            file.Patch32(previousPointer, (uint)firstIfd);
        }

        return file.ToArray();
    }

    // By element type, not by pattern: the runtime lets an int[] pass as a uint[] (and sbyte[] as byte[]).
    private static (int Bits, int Format) SampleKind(Array values) => values.GetType().GetElementType() switch
    {
        Type t when t == typeof(byte) => (8, 1),
        Type t when t == typeof(sbyte) => (8, 2),
        Type t when t == typeof(ushort) => (16, 1),
        Type t when t == typeof(short) => (16, 2),
        Type t when t == typeof(uint) => (32, 1),
        Type t when t == typeof(int) => (32, 2),
        Type t when t == typeof(float) => (32, 3),
        Type t when t == typeof(double) => (64, 3),
        _ => throw new ArgumentException($"unsupported sample array {values.GetType()}"),
    };

    private static void WriteSamples(Writer file, Array values)
    {
        Type element = values.GetType().GetElementType()!;
        for (int i = 0; i < values.Length; i++)
        {
            object v = values.GetValue(i)!;
            if (element == typeof(byte) || element == typeof(sbyte))
            {
                file.Bytes([unchecked((byte)Convert.ToInt64(v))]);
            }
            else if (element == typeof(ushort) || element == typeof(short))
            {
                file.U16(unchecked((ushort)Convert.ToInt64(v)));
            }
            else if (element == typeof(uint) || element == typeof(int))
            {
                file.U32(unchecked((uint)Convert.ToInt64(v)));
            }
            else if (element == typeof(float))
            {
                file.U32(BitConverter.SingleToUInt32Bits((float)v));
            }
            else
            {
                file.U64(BitConverter.DoubleToUInt64Bits((double)v));
            }
        }
    }

    private sealed class Writer(bool bigEndian)
    {
        private readonly MemoryStream _stream = new();

        public long Position => _stream.Position;

        public void Bytes(ReadOnlySpan<byte> b) => _stream.Write(b);

        public void U16(ushort v)
        {
            Span<byte> b = stackalloc byte[2];
            if (bigEndian) { BinaryPrimitives.WriteUInt16BigEndian(b, v); } else { BinaryPrimitives.WriteUInt16LittleEndian(b, v); }
            _stream.Write(b);
        }

        public void U32(uint v)
        {
            Span<byte> b = stackalloc byte[4];
            if (bigEndian) { BinaryPrimitives.WriteUInt32BigEndian(b, v); } else { BinaryPrimitives.WriteUInt32LittleEndian(b, v); }
            _stream.Write(b);
        }

        public void U64(ulong v)
        {
            Span<byte> b = stackalloc byte[8];
            if (bigEndian) { BinaryPrimitives.WriteUInt64BigEndian(b, v); } else { BinaryPrimitives.WriteUInt64LittleEndian(b, v); }
            _stream.Write(b);
        }

        /// <summary>A value left-justified in the 4-byte field, as the TIFF spec places short values.</summary>
        public void InlineValue(ushort type, uint count, uint value)
        {
            if (type == 3 && count <= 2)
            {
                U16((ushort)value);
                U16(count == 2 ? (ushort)value : (ushort)0);
            }
            else
            {
                U32(value);
            }
        }

        public void Align()
        {
            if (_stream.Position % 2 == 1)
            {
                _stream.WriteByte(0);
            }
        }

        public void Patch32(long at, uint value)
        {
            long here = _stream.Position;
            _stream.Position = at;
            U32(value);
            _stream.Position = here;
        }

        public byte[] ToArray() => _stream.ToArray();
    }
}

using System.Buffers.Binary;
using SegKit.Core;

namespace SegKit.Imaging.Formats;

/// <summary>Reads a PNG's IHDR chunk (and the chunk list up to the first IDAT, for transparency) without decoding pixels.</summary>
internal static class PngHeader
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>The last 12 bytes of every complete PNG: an empty IEND chunk and its CRC.</summary>
    private static readonly byte[] EndChunk = [0, 0, 0, 0, 73, 69, 78, 68, 0xAE, 0x42, 0x60, 0x82];

    public static bool HasSignature(ReadOnlySpan<byte> start) => start.StartsWith(Signature);

    /// <summary>Whether the data ends with the IEND chunk; used to tell a truncated file from a corrupt one.</summary>
    public static bool EndsWithEndChunk(ReadOnlySpan<byte> file) => file.EndsWith(EndChunk);

    /// <summary>
    /// Walks every chunk of a PNG held in memory and checks each one lies inside the file up to IEND. The
    /// decoder trusts chunk lengths: a damaged length made it allocate gigabytes before failing.
    /// </summary>
    public static void CheckChunks(ReadOnlySpan<byte> file, string path)
    {
        long offset = Signature.Length;
        while (offset + 8 <= file.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(file[(int)offset..]);
            ReadOnlySpan<byte> type = file.Slice((int)offset + 4, 4);
            if (length > int.MaxValue)
            {
                throw new InvalidImageException($"corrupt PNG file: the chunk at byte {offset} claims {length} bytes, more than PNG allows", path);
            }

            long end = offset + 12 + length;
            if (end > file.Length)
            {
                throw new InvalidImageException($"the file is truncated: the {System.Text.Encoding.ASCII.GetString(type)} chunk at byte {offset} needs {end} bytes but the file has {file.Length}", path);
            }

            if (type.SequenceEqual("IEND"u8))
            {
                return;
            }

            offset = end;
        }

        throw new InvalidImageException("the file is truncated: it does not end with the IEND chunk", path);
    }

    public static ImageFileInfo Read(HeaderReader reader)
    {
        reader.LittleEndian = false;
        Span<byte> ihdr = stackalloc byte[25];
        reader.ReadExactly(8, ihdr, "the PNG header chunk (IHDR)");
        if (BinaryPrimitives.ReadUInt32BigEndian(ihdr) != 13 || !ihdr.Slice(4, 4).SequenceEqual("IHDR"u8))
        {
            throw reader.Corrupt("PNG", "the first chunk is not a 13-byte IHDR");
        }

        uint width = BinaryPrimitives.ReadUInt32BigEndian(ihdr[8..]);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(ihdr[12..]);
        byte bitDepth = ihdr[16];
        byte colourType = ihdr[17];
        ImageDimensions.Check(width, height, reader.Path);
        if (bitDepth is not (1 or 2 or 4 or 8 or 16))
        {
            throw reader.Corrupt("PNG", $"bit depth {bitDepth} is not one PNG allows");
        }

        int channels = colourType switch
        {
            0 => 1,
            2 => 3,
            3 => HasTransparency(reader) ? 4 : 3,
            4 => 4, // grey + alpha comes out of the decoder as BGRA
            6 => 4,
            _ => throw reader.Corrupt("PNG", $"colour type {colourType} is not one PNG allows"),
        };

        CheckDataCanHoldPixels(reader, width, height, bitDepth, colourType);
        SampleType type = bitDepth == 16 ? SampleType.UInt16 : SampleType.UInt8;
        return new ImageFileInfo(reader.Path, ImageFormat.Png, (int)width, (int)height, channels, type, 1);
    }

    /// <summary>
    /// Deflate cannot compress better than about 1032:1, so a header promising more pixels than the file could
    /// hold is corrupt. Checked here because the decoder allocates the whole image before it finds out.
    /// </summary>
    private static void CheckDataCanHoldPixels(HeaderReader reader, uint width, uint height, byte bitDepth, byte colourType)
    {
        int samples = colourType switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 };
        ulong rowBytes = 1 + (((ulong)width * (ulong)samples * bitDepth) + 7) / 8;
        ulong rawBytes = rowBytes * height;
        ulong mostThatFits = (1032UL * (ulong)reader.Length) + 1024;
        if (rawBytes > mostThatFits)
        {
            throw reader.Corrupt("PNG", $"the header says {width}x{height} pixels, which a {reader.Length}-byte file cannot hold");
        }
    }

    /// <summary>Whether a tRNS chunk comes before the image data (a palette PNG with one decodes to RGBA).</summary>
    private static bool HasTransparency(HeaderReader reader)
    {
        Span<byte> chunk = stackalloc byte[8];
        long offset = 8;
        while (offset + 8 <= reader.Length)
        {
            reader.ReadExactly(offset, chunk, "a PNG chunk header");
            ReadOnlySpan<byte> type = chunk[4..];
            if (type.SequenceEqual("tRNS"u8))
            {
                return true;
            }

            if (type.SequenceEqual("IDAT"u8))
            {
                return false;
            }

            offset += 12L + BinaryPrimitives.ReadUInt32BigEndian(chunk);
        }

        throw reader.Truncated("the PNG image data (IDAT)", offset + 8);
    }
}

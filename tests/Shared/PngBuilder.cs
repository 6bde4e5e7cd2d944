using System.Buffers.Binary;
using System.IO.Compression;

namespace SegKit.Testing;

/// <summary>
/// Writes PNG files byte by byte (signature, chunks, zlib data, CRCs), independently of OpenCV, so the tests can
/// make kinds OpenCV does not write (grey + alpha, palette, 0x0, headers that lie) and check channel order against known bytes.
/// </summary>
internal static class PngBuilder
{
    /// <summary>A PNG with filter type 0 on every row; <paramref name="pixels"/> are the packed samples, row by row.</summary>
    public static byte[] Build(int width, int height, byte bitDepth, byte colourType, byte[] pixels, byte[]? palette = null, byte[]? transparency = null)
    {
        int rowBytes = height == 0 ? 0 : pixels.Length / height;
        var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            raw.Write(pixels, y * rowBytes, rowBytes);
        }

        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(raw.ToArray());
        }

        return Assemble(width, height, bitDepth, colourType, compressed.ToArray(), palette, transparency);
    }

    /// <summary>
    /// A PNG whose header says <paramref name="width"/> x <paramref name="height"/> around the given IDAT bytes, whatever
    /// they hold: for images too large to build row by row here, and for headers that lie about their data.
    /// </summary>
    public static byte[] Assemble(int width, int height, byte bitDepth, byte colourType, byte[] idat, byte[]? palette = null, byte[]? transparency = null)
    {
        var file = new MemoryStream();
        file.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colourType;
        WriteChunk(file, "IHDR", ihdr);
        if (palette is not null)
        {
            WriteChunk(file, "PLTE", palette);
        }

        if (transparency is not null)
        {
            WriteChunk(file, "tRNS", transparency);
        }

        WriteChunk(file, "IDAT", idat);
        WriteChunk(file, "IEND", []);
        return file.ToArray();
    }

    private static void WriteChunk(Stream file, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        file.Write(word);
        byte[] typeAndData = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        file.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        file.Write(word);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
        }

        return ~c;
    }
}

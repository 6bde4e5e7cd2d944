using System.Buffers.Binary;
using System.IO.Compression;

namespace SegKit.Imaging.Formats;

/// <summary>
/// Writes an 8-bit RGB PNG to a stream band by band: rows are rendered by the caller into a band buffer, Sub-filtered
/// and deflated straight into IDAT chunks, so memory stays at one band whatever the image size (OpenCV's encoder needs
/// the whole BGR image and hands back the whole file as a second copy).
/// </summary>
internal static class PngRgbWriter
{
    /// <summary>Rows rendered (in parallel) per band.</summary>
    private const int BandRows = 64;

    private const int ChunkBytes = 1 << 16;

    /// <summary>Fills <paramref name="rgb"/> (width * 3 bytes, R G B per pixel) with row <paramref name="y"/>.</summary>
    public delegate void RowRenderer(int y, Span<byte> rgb);

    public static void Write(Stream destination, int width, int height, RowRenderer render)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(render);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        destination.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8; // bits per sample
        header[9] = 2; // colour type: RGB
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering, one filter byte per row
        header[12] = 0; // no interlace
        WriteChunk(destination, "IHDR"u8, header);

        int rowBytes = 1 + (width * 3);
        using (var idat = new PngChunkStream(destination, "IDAT"u8, ChunkBytes))
        {
            using var zlib = new ZLibStream(idat, CompressionLevel.Fastest, leaveOpen: true);
            var band = new byte[Math.Min(BandRows, height) * rowBytes];
            for (int top = 0; top < height; top += BandRows)
            {
                int rows = Math.Min(BandRows, height - top);
                Parallel.For(0, rows, r =>
                {
                    Span<byte> row = band.AsSpan(r * rowBytes, rowBytes);
                    render(top + r, row[1..]);
                    SubFilter(row);
                });
                zlib.Write(band, 0, rows * rowBytes);
            }
        }

        WriteChunk(destination, "IEND"u8, []);
    }

    /// <summary>PNG filter type 1 (Sub): each byte minus the same channel of the pixel to its left; in place, right to left.</summary>
    private static void SubFilter(Span<byte> row)
    {
        row[0] = 1;
        Span<byte> pixels = row[1..];
        for (int i = pixels.Length - 1; i >= 3; i--)
        {
            pixels[i] -= pixels[i - 3];
        }
    }

    internal static void WriteChunk(Stream destination, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        destination.Write(word);
        destination.Write(type);
        destination.Write(data);
        uint crc = PngCrc.Update(PngCrc.Update(PngCrc.Initial, type), data);
        BinaryPrimitives.WriteUInt32BigEndian(word, PngCrc.Final(crc));
        destination.Write(word);
    }
}

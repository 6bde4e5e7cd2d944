using System.Buffers.Binary;
using OpenCvSharp;
using SegKit.Core;

namespace SegKit.Imaging.Formats;

/// <summary>
/// Reads TIFF pages of unsigned 32-bit samples, which OpenCV's TIFF decoder refuses (it accepts 32-bit integers
/// only when signed) but which tifffile, scikit-image and Cellpose write for label images with more than 65,535
/// objects. Handles the layout those tools write: uncompressed, chunky, in strips.
/// </summary>
internal static class UInt32TiffReader
{
    /// <summary>
    /// The page as a CV_64F matrix (exact for every uint32), channels in OpenCV's BGR(A) order like the decoder's
    /// output, so the usual conversions apply unchanged.
    /// </summary>
    public static unsafe Mat Read(ReadOnlySpan<byte> file, TiffStructure tiff, int page, string path)
    {
        TiffPage p = tiff.Pages[page];
        TiffDataLayout layout = p.Layout;
        if (p.Compression != TiffPage.Uncompressed || layout.Tiled || (layout.PlanarConfiguration != TiffDataLayout.Chunky && p.SamplesPerPixel > 1))
        {
            throw new InvalidImageException(
                $"TIFF page {page} holds unsigned 32-bit samples stored with compression {p.Compression}{(layout.Tiled ? " in tiles" : string.Empty)}; "
                + "such pages can only be read uncompressed and in strips (save as signed 32-bit, or without compression)",
                path);
        }

        int channels = p.SamplesPerPixel;
        if ((long)p.Width * p.Height * channels > Array.MaxLength)
        {
            throw new InvalidImageException($"TIFF page {page} ({p.Width}x{p.Height}x{channels}) is too large to hold in one array", path);
        }

        long rowBytes = (long)p.Width * channels * sizeof(uint);
        var mat = new Mat(p.Height, p.Width, MatType.CV_64FC(channels));
        try
        {
            var dst = new Span<double>(mat.DataPointer, p.Width * p.Height * channels);
            int row = 0;
            for (int s = 0; s < layout.Offsets.Length && row < p.Height; s++)
            {
                int rows = Math.Min(layout.RowsPerStrip, p.Height - row);
                long start = layout.Offsets[s];
                long length = rows * rowBytes;
                if (start < 0 || start > file.Length - length)
                {
                    throw new InvalidImageException($"the file is truncated: strip {s} of TIFF page {page} needs {start + length} bytes but the file has {file.Length}", path);
                }

                ReadOnlySpan<byte> strip = file.Slice((int)start, (int)length);
                int samples = rows * p.Width * channels;
                int first = row * p.Width * channels;
                for (int i = 0; i < samples; i++)
                {
                    ReadOnlySpan<byte> b = strip.Slice(i * sizeof(uint), sizeof(uint));
                    uint v = tiff.LittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
                    int pixel = i / channels;
                    dst[first + (pixel * channels) + MatConversion.RgbIndex(i % channels, channels)] = v;
                }

                row += rows;
            }

            if (row < p.Height)
            {
                throw new InvalidImageException($"TIFF page {page} has strips for {row} of its {p.Height} rows", path);
            }

            return mat;
        }
        catch
        {
            mat.Dispose();
            throw;
        }
    }
}

using OpenCvSharp;
using SegKit.Core;

namespace SegKit.Imaging;

/// <summary>
/// The one place that decodes files with OpenCV: checks the file first (exists, known signature), silences
/// OpenCV's own console logging (errors become exceptions that name the file instead), and turns an empty
/// decode into a clear error.
/// </summary>
internal static class OpenCvFile
{
    private static readonly Lazy<bool> Quiet = new(() =>
    {
        Cv2.SetLogLevel(LogLevel.SILENT);
        return true;
    });

    public static readonly string[] Extensions = [".png", ".tif", ".tiff", ".jpg", ".jpeg", ".bmp"];

    /// <summary>All pages of the file, decoded as stored (bit depth and channels unchanged; colour order BGR(A)).</summary>
    public static Mat[] ReadPages(string path)
    {
        string format = Sniff(path);
        _ = Quiet.Value;
        Mat[] pages;
        if (format == "TIFF")
        {
            if (!Cv2.ImReadMulti(path, out pages, ImreadModes.Unchanged) || pages.Length == 0)
            {
                throw Undecodable(path, format);
            }
        }
        else
        {
            Mat mat = Cv2.ImRead(path, ImreadModes.Unchanged);
            if (mat.Empty())
            {
                mat.Dispose();
                throw Undecodable(path, format);
            }

            pages = [mat];
        }

        foreach (Mat page in pages)
        {
            if (page.Empty() || page.Rows == 0 || page.Cols == 0)
            {
                foreach (Mat p in pages)
                {
                    p.Dispose();
                }

                throw new InvalidImageException("image has no pixels (0x0)", path);
            }
        }

        return pages;
    }

    /// <summary>The format from the file's first bytes (not its extension), or a clear error.</summary>
    public static string Sniff(string path)
    {
        if (Directory.Exists(path))
        {
            throw new InvalidImageException("is a folder, not an image file", path);
        }

        if (!File.Exists(path))
        {
            throw new InvalidImageException("file not found", path);
        }

        Span<byte> head = stackalloc byte[8];
        int n;
        try
        {
            using var stream = File.OpenRead(path);
            n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidImageException($"cannot be read ({e.Message})", path, e);
        }

        if (n == 0)
        {
            throw new InvalidImageException("file is empty", path);
        }

        head = head[..n];
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']))
        {
            return "PNG";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[(byte)'I', (byte)'I', 42, 0]) || head.StartsWith((ReadOnlySpan<byte>)[(byte)'M', (byte)'M', 0, 42])
            || head.StartsWith((ReadOnlySpan<byte>)[(byte)'I', (byte)'I', 43, 0]) || head.StartsWith((ReadOnlySpan<byte>)[(byte)'M', (byte)'M', 0, 43]))
        {
            return "TIFF";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "JPEG";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[(byte)'B', (byte)'M']))
        {
            return "BMP";
        }

        throw new InvalidImageException("not an image: the file does not start like a PNG, TIFF, JPEG or BMP file", path);
    }

    public static string SampleType(MatType type) => type.Depth switch
    {
        MatType.CV_8U => "uint8",
        MatType.CV_8S => "int8",
        MatType.CV_16U => "uint16",
        MatType.CV_16S => "int16",
        MatType.CV_32S => "int32",
        MatType.CV_32F => "float32",
        MatType.CV_64F => "float64",
        _ => $"OpenCV depth {type.Depth}",
    };

    /// <summary>Copies one plane of a Mat into floats, converting from the stored depth without rescaling.</summary>
    public static void CopyPlane(Mat mat, int channel, Span<float> destination)
    {
        using Mat plane = mat.Channels() == 1 ? mat.Clone() : mat.ExtractChannel(channel);
        using Mat asFloat = new();
        plane.ConvertTo(asFloat, MatType.CV_32FC1);
        Mat contiguous = asFloat.IsContinuous() ? asFloat : asFloat.Clone();
        try
        {
            if (!contiguous.GetArray(out float[] values))
            {
                throw new InvalidOperationException("could not read decoded pixels");
            }

            values.CopyTo(destination);
        }
        finally
        {
            if (!ReferenceEquals(contiguous, asFloat))
            {
                contiguous.Dispose();
            }
        }
    }

    private static InvalidImageException Undecodable(string path, string format) =>
        new($"cannot decode this {format} file: it is truncated, corrupt or of an unsupported kind", path);
}

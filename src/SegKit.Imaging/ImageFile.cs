using OpenCvSharp;
using SegKit.Core;
using SegKit.Core.Images;

namespace SegKit.Imaging;

/// <summary>Reads microscopy images (PNG, TIFF, JPEG, BMP; 8/16/32-bit integer or float; 1, 3 or 4 channels) into <see cref="Image"/>.</summary>
public static class ImageFile
{
    /// <summary>The file extensions treated as images when a folder is listed.</summary>
    public static IReadOnlyList<string> Extensions => OpenCvFile.Extensions;

    /// <summary>
    /// Reads page <paramref name="page"/> (0-based; TIFF stacks have several) with values as stored (0..255,
    /// 0..65535, floats unchanged) and channels in RGB(A) order.
    /// </summary>
    public static Image Read(string path, int page = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (page < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(page), page, "page numbers start at 0");
        }

        Mat[] pages = OpenCvFile.ReadPages(path);
        try
        {
            if (page >= pages.Length)
            {
                throw new InvalidImageException($"page {page} was asked for but the file has {pages.Length} page(s) (0..{pages.Length - 1})", path);
            }

            Mat mat = pages[page];
            int channels = mat.Channels();
            var image = new Image(channels, mat.Rows, mat.Cols);
            for (int c = 0; c < channels; c++)
            {
                OpenCvFile.CopyPlane(mat, StoredChannel(c, channels), image.Plane(c));
            }

            return image;
        }
        finally
        {
            foreach (Mat m in pages)
            {
                m.Dispose();
            }
        }
    }

    /// <summary>Format, size, channels, sample type and page count of an image file.</summary>
    public static ImageFileInfo Describe(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string format = OpenCvFile.Sniff(path);
        Mat[] pages = OpenCvFile.ReadPages(path);
        try
        {
            Mat first = pages[0];
            return new ImageFileInfo(format, first.Cols, first.Rows, first.Channels(), OpenCvFile.SampleType(first.Type()), pages.Length);
        }
        finally
        {
            foreach (Mat m in pages)
            {
                m.Dispose();
            }
        }
    }

    /// <summary>True when the path has an image extension (.png, .tif, .tiff, .jpg, .jpeg, .bmp; any case).</summary>
    public static bool IsSupported(string path) =>
        OpenCvFile.Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>The image files directly in <paramref name="folder"/>, sorted by name; hidden files are skipped.</summary>
    public static IReadOnlyList<string> ListImages(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new InvalidImageException("folder not found", folder);
        }

        var files = Directory.EnumerateFiles(folder)
            .Where(f => IsSupported(f) && !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new InvalidImageException($"folder has no images ({string.Join(", ", OpenCvFile.Extensions)})", folder);
        }

        return files;
    }

    /// <summary>OpenCV stores colour as BGR(A); SegKit's channel c is RGB(A)'s.</summary>
    private static int StoredChannel(int c, int channels) => channels is 3 or 4 && c < 3 ? 2 - c : c;
}

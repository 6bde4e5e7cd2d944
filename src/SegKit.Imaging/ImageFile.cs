using OpenCvSharp;
using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Imaging.Formats;

namespace SegKit.Imaging;

/// <summary>Reads microscopy images (PNG, TIFF, JPEG) into <see cref="Image"/>s.</summary>
public static class ImageFile
{
    /// <summary>The extensions <see cref="IsSupported"/> and <see cref="ListImages"/> accept (any case).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".tif", ".tiff", ".jpg", ".jpeg"];

    /// <summary>
    /// Reads one page of an image file. Channels come in RGB(A) order; values as stored
    /// (0..255 for 8-bit, 0..65535 for 16-bit, floats as they are, NaN and infinities included).
    /// Only TIFF files have pages beyond 0.
    /// </summary>
    /// <exception cref="InvalidImageException">The file is missing, not an image, truncated, corrupt or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="page"/> is not a page of the file.</exception>
    public static Image Read(string path, int page = 0)
    {
        using Mat mat = ImageDecoder.Decode(path, page, out _);
        return MatConversion.ToImage(mat);
    }

    /// <summary>
    /// Decodes an image held in memory (an upload), with the same checks and errors as <see cref="Read"/>;
    /// <paramref name="name"/> is what the errors call it.
    /// </summary>
    /// <exception cref="InvalidImageException">The data is not an image, or is truncated, corrupt or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="page"/> is not a page of the image.</exception>
    public static Image Decode(byte[] bytes, string name, int page = 0)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using Mat mat = ImageDecoder.Decode(bytes, name, page, out _);
        return MatConversion.ToImage(mat);
    }

    /// <summary>Format, size, channels, sample type and page count of an image in memory, from its header only (nothing is decoded).</summary>
    /// <exception cref="InvalidImageException">The data is not an image, or its header is truncated or corrupt.</exception>
    public static ImageFileInfo Describe(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        return ImageHeader.Read(stream, name).Info;
    }

    /// <summary>Format, size, channels, sample type and page count, from the file's header only.</summary>
    /// <exception cref="InvalidImageException">The file is missing, not an image, or its header is truncated or corrupt.</exception>
    public static ImageFileInfo Describe(string path)
    {
        using FileStream stream = InputFile.Open(path);
        return ImageHeader.Read(stream, path).Info;
    }

    /// <summary>Whether the extension is one SegKit reads (.png, .tif, .tiff, .jpg, .jpeg). The content is not checked.</summary>
    public static bool IsSupported(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string extension = Path.GetExtension(path);
        return Extensions.Any(e => e.Equals(extension, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The supported image files directly in <paramref name="folder"/>, sorted by name (ordinal), skipping
    /// hidden files (names starting with '.', such as half-written temporary outputs).
    /// </summary>
    /// <exception cref="InvalidImageException">The folder does not exist or holds no supported image.</exception>
    public static IReadOnlyList<string> ListImages(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new InvalidImageException("the folder does not exist", folder);
        }

        var files = Directory.EnumerateFiles(folder)
            .Where(f => IsSupported(f) && !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new InvalidImageException($"the folder holds no image file ({string.Join(", ", Extensions)})", folder);
        }

        return files;
    }
}

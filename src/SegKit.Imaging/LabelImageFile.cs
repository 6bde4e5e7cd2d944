using OpenCvSharp;
using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Core.IO;

namespace SegKit.Imaging;

/// <summary>Reads and writes instance label images (0 = background, 1..N objects) as PNG or TIFF.</summary>
public static class LabelImageFile
{
    /// <summary>The most objects a 16-bit file can number.</summary>
    public const int MaxLabel16 = ushort.MaxValue;

    /// <summary>
    /// Reads a single-channel label image: 8, 16 or 32-bit integers, or floats whose values are all whole
    /// numbers (as some tools save masks). Labels are kept as stored, gaps included.
    /// </summary>
    /// <exception cref="InvalidImageException">
    /// The file cannot be read as an image, is a JPEG (lossy, so its labels are unreliable), has more than one
    /// channel, or holds a negative, fractional or non-finite value (the first such pixel is named).
    /// </exception>
    public static LabelImage Read(string path, int page = 0)
    {
        using Mat mat = ImageDecoder.Decode(path, page, out ImageFileInfo info);
        if (info.Format == ImageFormat.Jpeg)
        {
            throw new InvalidImageException("a label image cannot be a JPEG: lossy compression changes the labels; use PNG or TIFF", path);
        }

        return MatConversion.ToLabels(mat, info);
    }

    /// <summary>
    /// Writes <paramref name="labels"/> atomically (a temporary file renamed into place). The extension picks
    /// the format: .png gives a 16-bit greyscale PNG (at most 65,535 labels); .tif/.tiff a 16-bit TIFF, or a
    /// 32-bit signed integer TIFF when the largest label is above 65,535.
    /// </summary>
    /// <exception cref="ArgumentException">The extension is not .png, .tif or .tiff.</exception>
    /// <exception cref="OutputWriteException">The labels do not fit a PNG, or the file cannot be written.</exception>
    public static void Write(string path, LabelImage labels)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] encoded = Encode(labels, Path.GetExtension(path), path, nameof(path));
        AtomicFile.Write(path, stream => stream.Write(encoded));
    }

    /// <summary>The file <see cref="Write"/> would write, in memory (for a download); <paramref name="extension"/> is .png, .tif or .tiff.</summary>
    /// <exception cref="ArgumentException">The extension is not .png, .tif or .tiff.</exception>
    /// <exception cref="OutputWriteException">The labels do not fit a PNG.</exception>
    public static byte[] Encode(LabelImage labels, string extension) => Encode(labels, extension, "labels" + extension, nameof(extension));

    private static byte[] Encode(LabelImage labels, string extension, string path, string parameter)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(extension);
        extension = extension.ToLowerInvariant();
        bool wide = labels.MaxLabel > MaxLabel16;
        switch (extension)
        {
            case ".png" when wide:
                throw new OutputWriteException($"a 16-bit PNG holds labels up to {MaxLabel16:N0} but the largest label is {labels.MaxLabel:N0}; write a .tif instead", path);
            case ".png" or ".tif" or ".tiff":
                break;
            default:
                throw new ArgumentException($"{path}: label images are written as .png, .tif or .tiff, not '{extension}'", parameter);
        }

        using Mat mat = MatConversion.FromLabels(labels, wide);
        return ImageEncoder.Encode(extension, mat, path);
    }
}

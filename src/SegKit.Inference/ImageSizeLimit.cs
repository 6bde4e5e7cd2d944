using System.Globalization;
using SegKit.Core;

namespace SegKit.Inference;

/// <summary>
/// The largest image segmented in one piece. A network pipeline holds about 100 bytes per pixel at its peak (the image,
/// its normalised and rescaled copies, the stitched outputs in double precision, flows, dynamics), so a 20,000 x 20,000
/// image would need some 40 GB: it is refused with a message instead of ending in an out-of-memory crash.
/// </summary>
public static class ImageSizeLimit
{
    /// <summary>64 megapixels: about 6.4 GB at the peak, e.g. 8,000 x 8,000.</summary>
    public const double DefaultMegapixels = 64;

    public const int BytesPerPixel = 100;

    /// <summary>Throws <see cref="InvalidImageException"/> naming the image, its size, the limit and how to raise it.</summary>
    public static void Check(long height, long width, double maxMegapixels, string? imageName)
    {
        if (!(maxMegapixels > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxMegapixels), maxMegapixels, "the limit must be a positive number of megapixels");
        }

        double megapixels = height * (double)width / 1e6;
        if (megapixels > maxMegapixels)
        {
            throw new InvalidImageException(
                string.Create(CultureInfo.InvariantCulture, $"is {width} x {height} ({megapixels:0.#} megapixels), above the limit of {maxMegapixels:0.#} megapixels for one image (segmenting it needs about {megapixels * BytesPerPixel / 1000:0.#} GB of memory); crop or tile it, or raise the limit (--max-megapixels) on a machine with that much memory"),
                imageName);
        }
    }
}

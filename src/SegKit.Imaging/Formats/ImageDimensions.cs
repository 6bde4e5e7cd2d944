using SegKit.Core;

namespace SegKit.Imaging.Formats;

/// <summary>The size checks every header parser applies, so each format reports an empty or huge image the same way.</summary>
internal static class ImageDimensions
{
    public static void Check(ulong width, ulong height, string path)
    {
        if (width == 0 || height == 0)
        {
            throw new InvalidImageException($"the image is {width}x{height} pixels; it has no pixels to read", path);
        }

        if (width > int.MaxValue || height > int.MaxValue || width * height > (ulong)Array.MaxLength)
        {
            throw new InvalidImageException($"the image is {width}x{height} pixels, too large to hold in one array", path);
        }
    }
}

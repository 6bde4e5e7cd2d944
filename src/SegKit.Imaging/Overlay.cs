using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Core.Transforms;
using SegKit.Imaging.Formats;

namespace SegKit.Imaging;

/// <summary>
/// Object outlines drawn in distinct colours over the image, for looking at a segmentation. The image is shown
/// after Cellpose's percentile normalisation (1st..99th percentile to black..white, per channel): grey for one
/// channel, red and green for two (Cellpose's cytoplasm + nucleus), RGB for three or more (alpha ignored).
/// An outline pixel is an object pixel with a 4-neighbour of another label; the image edge counts as another
/// label, so objects cut by the border are closed.
/// </summary>
public static class Overlay
{
    /// <summary>The overlay as a 3-channel RGB image with values 0..255.</summary>
    public static Image Render(Image image, LabelImage labels)
    {
        PngRgbWriter.RowRenderer rows = Rows(image, labels);
        var result = new Image(3, labels.Height, labels.Width);
        int width = labels.Width;
        Parallel.For(0, labels.Height, () => new byte[width * 3], (y, _, rgb) =>
        {
            rows(y, rgb);
            Span<float> r = result.Plane(0).Slice(y * width, width);
            Span<float> g = result.Plane(1).Slice(y * width, width);
            Span<float> b = result.Plane(2).Slice(y * width, width);
            for (int x = 0, j = 0; x < width; x++, j += 3)
            {
                r[x] = rgb[j];
                g[x] = rgb[j + 1];
                b[x] = rgb[j + 2];
            }

            return rgb;
        }, _ => { });
        return result;
    }

    /// <summary>
    /// Writes the overlay as an 8-bit RGB PNG, atomically (a temporary file renamed into place), rendered and compressed
    /// band by band: memory beyond the image and labels is a few rows.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The image and the labels differ in size.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> does not end in .png.</exception>
    /// <exception cref="OutputWriteException">The file cannot be written; nothing is left behind.</exception>
    public static void WritePng(string path, Image image, LabelImage labels)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"{path}: an overlay is written as a .png file", nameof(path));
        }

        PngRgbWriter.RowRenderer rows = Rows(image, labels);
        AtomicFile.Write(path, stream => PngRgbWriter.Write(stream, labels.Width, labels.Height, rows));
    }

    /// <summary>The PNG <see cref="WritePng"/> would write, in memory (for a download or a web page).</summary>
    /// <exception cref="ShapeMismatchException">The image and the labels differ in size.</exception>
    public static byte[] EncodePng(Image image, LabelImage labels)
    {
        PngRgbWriter.RowRenderer rows = Rows(image, labels);
        using var stream = new MemoryStream();
        PngRgbWriter.Write(stream, labels.Width, labels.Height, rows);
        return stream.ToArray();
    }

    /// <summary>
    /// The overlay row by row (RGB bytes): each shown channel is normalised on the fly with its percentile range, so no
    /// normalised copy of the image is made.
    /// </summary>
    private static PngRgbWriter.RowRenderer Rows(Image image, LabelImage labels)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(labels);
        if (image.Height != labels.Height || image.Width != labels.Width)
        {
            throw new ShapeMismatchException($"the image is {image.Width}x{image.Height} pixels but the labels are {labels.Width}x{labels.Height}");
        }

        int shown = Math.Min(image.Channels, 3);
        var ranges = new NormalizationRange?[shown];
        Parallel.For(0, shown, c => ranges[c] = Normalization.RangeOf(image.Plane(c)));
        int width = labels.Width;
        int height = labels.Height;
        int[] label = labels.Buffer;
        float[] pixels = image.Buffer;
        int plane = image.PlaneSize;
        return (y, rgb) =>
        {
            int rowStart = y * width;
            for (int x = 0, j = 0; x < width; x++, j += 3)
            {
                int i = rowStart + x;
                int l = label[i];
                if (l != 0 && IsOutline(label, i, x, y, width, height, l))
                {
                    (rgb[j], rgb[j + 1], rgb[j + 2]) = OutlinePalette.Colour(l);
                    continue;
                }

                byte red = Shown(pixels[i], ranges[0]);
                rgb[j] = red;
                rgb[j + 1] = shown > 1 ? Shown(pixels[plane + i], ranges[1]) : red;

                // Two channels are shown as red and green only.
                rgb[j + 2] = shown switch
                {
                    1 => red,
                    2 => 0,
                    _ => Shown(pixels[(2 * plane) + i], ranges[2]),
                };
            }
        };
    }

    private static bool IsOutline(int[] label, int i, int x, int y, int width, int height, int l) =>
        x == 0 || x == width - 1 || y == 0 || y == height - 1
        || label[i - 1] != l || label[i + 1] != l || label[i - width] != l || label[i + width] != l;

    /// <summary>A pixel normalised (a flat channel shows black), 0..1 to 0..255, rounded; anything outside (or NaN) is clamped.</summary>
    private static byte Shown(float value, NormalizationRange? range)
    {
        if (range is not { } r)
        {
            return 0;
        }

        float v = r.Apply(value);
        return v > 0f ? (v < 1f ? (byte)((v * 255f) + 0.5f) : (byte)255) : (byte)0;
    }
}

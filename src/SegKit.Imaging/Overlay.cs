using OpenCvSharp;
using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Core.Transforms;

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
        byte[] bgr = RenderBgr(image, labels);
        var result = new Image(3, labels.Height, labels.Width);
        Span<float> r = result.Plane(0), g = result.Plane(1), b = result.Plane(2);
        for (int i = 0, j = 0; i < r.Length; i++, j += 3)
        {
            b[i] = bgr[j];
            g[i] = bgr[j + 1];
            r[i] = bgr[j + 2];
        }

        return result;
    }

    /// <summary>Writes the overlay as an 8-bit RGB PNG, atomically (a temporary file renamed into place).</summary>
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

        byte[] encoded = EncodePng(image, labels, path);
        AtomicFile.Write(path, stream => stream.Write(encoded));
    }

    /// <summary>The PNG <see cref="WritePng"/> would write, in memory (for a download or a web page).</summary>
    /// <exception cref="ShapeMismatchException">The image and the labels differ in size.</exception>
    public static byte[] EncodePng(Image image, LabelImage labels) => EncodePng(image, labels, "overlay.png");

    private static byte[] EncodePng(Image image, LabelImage labels, string path)
    {
        byte[] bgr = RenderBgr(image, labels);
        using Mat mat = Mat.FromPixelData(labels.Height, labels.Width, MatType.CV_8UC3, bgr);
        return ImageEncoder.Encode(".png", mat, path);
    }

    /// <summary>The overlay as interleaved BGR bytes (OpenCV's order), in one parallel pass over the rows.</summary>
    internal static byte[] RenderBgr(Image image, LabelImage labels)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(labels);
        if (image.Height != labels.Height || image.Width != labels.Width)
        {
            throw new ShapeMismatchException($"the image is {image.Width}x{image.Height} pixels but the labels are {labels.Width}x{labels.Height}");
        }

        float[][] display = DisplayPlanes(image);
        float[] red = display[0];
        float[] green = display.Length > 1 ? display[1] : red;
        float[]? blue = display.Length switch
        {
            1 => red,
            2 => null, // two channels: red and green only
            _ => display[2],
        };
        int width = labels.Width;
        int height = labels.Height;
        int[] label = labels.Buffer;
        var bgr = new byte[width * height * 3];
        Parallel.For(0, height, y =>
        {
            int rowStart = y * width;
            for (int x = 0; x < width; x++)
            {
                int i = rowStart + x;
                int j = i * 3;
                int l = label[i];
                if (l != 0 && IsOutline(label, i, x, y, width, height, l))
                {
                    (byte r, byte g, byte b) = OutlinePalette.Colour(l);
                    bgr[j] = b;
                    bgr[j + 1] = g;
                    bgr[j + 2] = r;
                }
                else
                {
                    bgr[j] = blue is null ? (byte)0 : ToByte(blue[i]);
                    bgr[j + 1] = ToByte(green[i]);
                    bgr[j + 2] = ToByte(red[i]);
                }
            }
        });
        return bgr;
    }

    private static bool IsOutline(int[] label, int i, int x, int y, int width, int height, int l) =>
        x == 0 || x == width - 1 || y == 0 || y == height - 1
        || label[i - 1] != l || label[i + 1] != l || label[i - width] != l || label[i + width] != l;

    /// <summary>The channels shown (at most three), each normalised on its own, in parallel.</summary>
    private static float[][] DisplayPlanes(Image image)
    {
        int shown = Math.Min(image.Channels, 3);
        var planes = new float[shown][];
        Parallel.For(0, shown, c =>
        {
            float[] plane = image.Plane(c).ToArray();
            Normalization.NormalizeInPlace(plane);
            planes[c] = plane;
        });
        return planes;
    }

    /// <summary>0..1 to 0..255, rounded; anything outside (or NaN) is clamped.</summary>
    private static byte ToByte(float v) => v > 0f ? (v < 1f ? (byte)((v * 255f) + 0.5f) : (byte)255) : (byte)0;
}

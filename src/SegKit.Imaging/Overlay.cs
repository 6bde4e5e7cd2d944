using OpenCvSharp;
using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Core.Transforms;

namespace SegKit.Imaging;

/// <summary>
/// Draws each object's outline in its own colour over the percentile-normalised image, the picture a person
/// checks a segmentation with.
/// </summary>
public static class Overlay
{
    /// <summary>Writes the overlay as an 8-bit RGB PNG, atomically.</summary>
    public static void WritePng(string path, Image image, LabelImage labels)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] rgb = Render(image, labels);
        using Mat mat = new(labels.Height, labels.Width, MatType.CV_8UC3);
        // OpenCV encoders take BGR.
        var bgr = new byte[rgb.Length];
        for (int i = 0; i < rgb.Length; i += 3)
        {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }

        // A freshly allocated Mat is continuous: its buffer takes the interleaved bytes as they are.
        System.Runtime.InteropServices.Marshal.Copy(bgr, 0, mat.Data, bgr.Length);
        AtomicFile.WriteVia(path, temp =>
        {
            if (!Cv2.ImWrite(temp, mat))
            {
                throw new OutputWriteException("the PNG encoder refused the overlay", path);
            }
        });
    }

    /// <summary>
    /// The overlay as interleaved RGB bytes (height x width x 3). An outline pixel belongs to an object and has a
    /// 4-neighbour with another label, or lies on the image border.
    /// </summary>
    public static byte[] Render(Image image, LabelImage labels)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(labels);
        if (image.Height != labels.Height || image.Width != labels.Width)
        {
            throw new ShapeMismatchException($"image is {image.Height}x{image.Width} but labels are {labels.Height}x{labels.Width}");
        }

        int h = labels.Height;
        int w = labels.Width;
        bool colour = image.Channels >= 3;
        Image display = Normalization.Normalize99(colour ? image : FirstChannel(image));
        byte[][] palette = Palette(labels.MaxLabel);
        var rgb = new byte[h * w * 3];
        int[] l = labels.Buffer;
        Parallel.For(0, h, y =>
        {
            for (int x = 0; x < w; x++)
            {
                int i = (y * w) + x;
                int v = l[i];
                bool outline = v != 0 && (y == 0 || x == 0 || y == h - 1 || x == w - 1
                    || l[i - 1] != v || l[i + 1] != v || l[i - w] != v || l[i + w] != v);
                Span<byte> px = rgb.AsSpan(i * 3, 3);
                if (outline)
                {
                    palette[v].CopyTo(px);
                }
                else if (colour)
                {
                    px[0] = ToByte(display.Buffer[i]);
                    px[1] = ToByte(display.Buffer[(h * w) + i]);
                    px[2] = ToByte(display.Buffer[(2 * h * w) + i]);
                }
                else
                {
                    px[0] = px[1] = px[2] = ToByte(display.Buffer[i]);
                }
            }
        });
        return rgb;
    }

    /// <summary>One saturated colour per label; hues step by the golden angle so neighbouring labels differ.</summary>
    internal static byte[][] Palette(int maxLabel)
    {
        var palette = new byte[maxLabel + 1][];
        palette[0] = [0, 0, 0];
        for (int label = 1; label <= maxLabel; label++)
        {
            double hue = (label * 137.50776405) % 360.0;
            palette[label] = HueToRgb(hue);
        }

        return palette;
    }

    private static byte[] HueToRgb(double hue)
    {
        double h = hue / 60.0;
        double f = h - Math.Floor(h);
        byte up = (byte)Math.Round(255 * f);
        byte down = (byte)Math.Round(255 * (1 - f));
        return ((int)h % 6) switch
        {
            0 => [255, up, 0],
            1 => [down, 255, 0],
            2 => [0, 255, up],
            3 => [0, down, 255],
            4 => [up, 0, 255],
            _ => [255, 0, down],
        };
    }

    private static Image FirstChannel(Image image) => new(1, image.Height, image.Width, image.Plane(0).ToArray());

    private static byte ToByte(float v) => (byte)Math.Clamp((int)MathF.Round(v * 255f), 0, 255);
}

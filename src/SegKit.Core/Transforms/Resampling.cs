using SegKit.Core.Images;

namespace SegKit.Core.Transforms;

/// <summary>
/// Resizing between the image's scale and the model's: bilinear for intensities and flow fields (OpenCV's
/// INTER_LINEAR pixel-centre convention, as Cellpose uses), nearest for label images.
/// </summary>
public static class Resampling
{
    /// <summary>The factor that brings objects of <paramref name="objectDiameter"/> pixels to the model's training diameter.</summary>
    public static double ScaleForDiameter(double modelDiameter, double objectDiameter)
    {
        if (!(modelDiameter > 0) || double.IsInfinity(modelDiameter))
        {
            throw new ArgumentOutOfRangeException(nameof(modelDiameter), modelDiameter, "diameter must be a positive number of pixels");
        }

        if (!(objectDiameter > 0) || double.IsInfinity(objectDiameter))
        {
            throw new ArgumentOutOfRangeException(nameof(objectDiameter), objectDiameter, "diameter must be a positive number of pixels");
        }

        return modelDiameter / objectDiameter;
    }

    /// <summary>Bilinear resize of every channel to <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static Image Bilinear(Image image, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckSize(height, width);
        var result = new Image(image.Channels, height, width);
        if (height == image.Height && width == image.Width)
        {
            image.Data.CopyTo(result.Data);
            return result;
        }

        var (x0, x1, wx) = Axis(image.Width, width);
        var (y0, y1, wy) = Axis(image.Height, height);
        int srcWidth = image.Width;
        Parallel.For(0, image.Channels * height, cy =>
        {
            int c = cy / height;
            int y = cy % height;
            Span<float> plane = image.Plane(c);
            ReadOnlySpan<float> top = plane.Slice(y0[y] * srcWidth, srcWidth);
            ReadOnlySpan<float> bottom = plane.Slice(y1[y] * srcWidth, srcWidth);
            float fy = wy[y];
            Span<float> dst = result.Row(c, y);
            for (int x = 0; x < width; x++)
            {
                float fx = wx[x];
                float t = top[x0[x]] + ((top[x1[x]] - top[x0[x]]) * fx);
                float b = bottom[x0[x]] + ((bottom[x1[x]] - bottom[x0[x]]) * fx);
                dst[x] = t + ((b - t) * fy);
            }
        });
        return result;
    }

    /// <summary>
    /// Bilinear resize of a flow field, with the flow components scaled by the same factor as their axis, so a
    /// vector still points at the same place after resizing. Other channels are resized as intensities.
    /// </summary>
    public static Image Flows(Image flows, int height, int width, FlowChannels? channels = null)
    {
        ArgumentNullException.ThrowIfNull(flows);
        channels ??= FlowChannels.Cellpose;
        if (channels.Y >= flows.Channels || channels.X >= flows.Channels)
        {
            throw new ArgumentException($"flow channels ({channels.Y}, {channels.X}) do not fit an image with {flows.Channels} channel(s)", nameof(channels));
        }

        Image result = Bilinear(flows, height, width);
        Scale(result.Plane(channels.Y), (float)height / flows.Height);
        Scale(result.Plane(channels.X), (float)width / flows.Width);
        return result;
    }

    /// <summary>Nearest-neighbour resize of a label image (OpenCV INTER_NEAREST: source index = floor(dst * src / dst)).</summary>
    public static LabelImage Nearest(LabelImage labels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(labels);
        CheckSize(height, width);
        var xs = new int[width];
        for (int x = 0; x < width; x++)
        {
            xs[x] = Math.Min((int)Math.Floor(x * (double)labels.Width / width), labels.Width - 1);
        }

        var data = new int[height * width];
        int[] src = labels.Buffer;
        Parallel.For(0, height, y =>
        {
            int sy = Math.Min((int)Math.Floor(y * (double)labels.Height / height), labels.Height - 1);
            int srcRow = sy * labels.Width;
            Span<int> dst = data.AsSpan(y * width, width);
            for (int x = 0; x < width; x++)
            {
                dst[x] = src[srcRow + xs[x]];
            }
        });
        return new LabelImage(height, width, data);
    }

    private static void Scale(Span<float> plane, float factor)
    {
        for (int i = 0; i < plane.Length; i++)
        {
            plane[i] *= factor;
        }
    }

    /// <summary>Source neighbours and weight for every destination index, with pixel centres aligned (align_corners=False).</summary>
    private static (int[] Lower, int[] Upper, float[] Weight) Axis(int source, int destination)
    {
        var lower = new int[destination];
        var upper = new int[destination];
        var weight = new float[destination];
        double scale = (double)source / destination;
        for (int i = 0; i < destination; i++)
        {
            double s = ((i + 0.5) * scale) - 0.5;
            if (s < 0)
            {
                s = 0;
            }

            int l = Math.Min((int)Math.Floor(s), source - 1);
            lower[i] = l;
            upper[i] = Math.Min(l + 1, source - 1);
            weight[i] = (float)(s - l);
        }

        return (lower, upper, weight);
    }

    private static void CheckSize(int height, int width)
    {
        if (height < 1 || height > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height, "target height must be within 1..65536");
        }

        if (width < 1 || width > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "target width must be within 1..65536");
        }
    }
}

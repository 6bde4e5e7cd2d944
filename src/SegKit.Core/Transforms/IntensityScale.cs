using SegKit.Core.Images;

namespace SegKit.Core.Transforms;

/// <summary>
/// Fixed normalisation bounds per channel (what normalize99 would map to 0 and 1) and whether the first channel is
/// inverted: measured once on a whole image and applied to each of its blocks, so that block-wise segmentation sees
/// the intensities the whole image would give (per-block percentiles would differ from block to block).
/// </summary>
public sealed record IntensityScale(IReadOnlyList<float> Low, IReadOnlyList<float> High, bool Invert)
{
    /// <summary>The bounds normalize99 finds on <paramref name="image"/> (e.g. a thumbnail of the whole image, channels already selected).</summary>
    public static IntensityScale Measure(Image image, double lower = 1, double upper = 99, bool invert = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        var low = new float[image.Channels];
        var high = new float[image.Channels];
        Span<float> bounds = stackalloc float[2];
        for (int c = 0; c < image.Channels; c++)
        {
            if (OrderStatistics.TryPercentiles(image.Plane(c), [lower, upper], bounds, out _, out _))
            {
                low[c] = bounds[0];
                high[c] = bounds[1];
            }
        }

        return new IntensityScale(low, high, invert);
    }

    /// <summary>
    /// bioimage.io's zero_mean_unit_variance as a scale: x maps to (x - mean) / (std + epsilon) per channel, i.e. low =
    /// mean and high = mean + std + epsilon (population standard deviation over the finite pixels).
    /// </summary>
    public static IntensityScale ZeroMeanUnitVariance(Image image, double epsilon = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(image);
        var low = new float[image.Channels];
        var high = new float[image.Channels];
        for (int c = 0; c < image.Channels; c++)
        {
            double sum = 0, squares = 0;
            long n = 0;
            foreach (float v in image.Plane(c))
            {
                if (float.IsFinite(v))
                {
                    sum += v;
                    squares += (double)v * v;
                    n++;
                }
            }

            double mean = n == 0 ? 0 : sum / n;
            double std = n == 0 ? 0 : Math.Sqrt(Math.Max(0, (squares / n) - (mean * mean)));
            low[c] = (float)mean;
            high[c] = (float)(mean + std + epsilon);
        }

        return new IntensityScale(low, high, false);
    }

    /// <summary>A normalised copy of <paramref name="image"/> (channels as selected), as <see cref="Normalization.Normalize99"/> with these bounds.</summary>
    public Image Apply(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Channels != Low.Count)
        {
            throw new ArgumentException($"the scale has {Low.Count} channel(s), the image {image.Channels}", nameof(image));
        }

        var result = image.Clone();
        for (int c = 0; c < image.Channels; c++)
        {
            Span<float> plane = result.Plane(c);
            float low = Low[c], range = High[c] - Low[c];
            bool flat = !(range > Normalization.FlatRange);
            bool invert = Invert && c == 0;
            for (int i = 0; i < plane.Length; i++)
            {
                float v = plane[i];
                float n = flat || float.IsNaN(v) ? 0f : (float.IsFinite(v) ? (v - low) / range : (v > 0 ? (High[c] - low) / range : 0f));
                plane[i] = invert && !flat ? 1f - n : n;
            }
        }

        return result;
    }
}

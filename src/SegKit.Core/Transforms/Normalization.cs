using SegKit.Core.Images;

namespace SegKit.Core.Transforms;

/// <summary>
/// Cellpose's percentile normalisation (normalize99): each channel is mapped so that its lower percentile
/// becomes 0 and its upper percentile 1; a channel whose percentile range is at most 1e-3 becomes zeros.
/// Percentiles follow numpy's default (linear interpolation between order statistics).
/// </summary>
public static class Normalization
{
    /// <summary>Below this percentile range a channel is treated as flat (Cellpose's constant).</summary>
    public const float FlatRange = 1e-3f;

    /// <summary>
    /// A normalised copy of <paramref name="image"/>, channel by channel. Non-finite pixels do not take part
    /// in the percentiles; NaN becomes 0, +Inf and -Inf take the value of the largest and smallest finite
    /// pixel, so the output never holds NaN or Inf.
    /// </summary>
    public static Image Normalize99(Image image, double lower = 1, double upper = 99, bool invert = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        ValidatePercentiles(lower, upper);
        var result = image.Clone();
        for (int c = 0; c < image.Channels; c++)
        {
            NormalizeInPlace(result.Plane(c), lower, upper, invert);
        }

        return result;
    }

    /// <summary>
    /// Brightfield and stained-tissue images show dark nuclei on a light background, fluorescence the reverse. A model
    /// trained with this step sees one polarity only: when the background is bright, the first channel of
    /// <paramref name="normalized"/> is inverted in place (1 - x, as Cellpose's invert). Returns whether it was.
    /// With the <paramref name="source"/> image (before channel selection) a true-colour image is judged by its colour
    /// and absolute brightness (<see cref="BackgroundPolarity"/>), which holds when stained tissue fills the frame;
    /// without it, by the median of the normalised channel alone (above 0.5: most of the image is bright).
    /// </summary>
    public static bool InvertIfBrightBackground(Image normalized, Image? source = null)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        if (!BackgroundPolarity.IsBright(normalized, source))
        {
            return false;
        }

        Span<float> plane = normalized.Plane(0);
        for (int i = 0; i < plane.Length; i++)
        {
            plane[i] = 1f - plane[i];
        }

        return true;
    }

    /// <summary>Normalises one plane in place (see <see cref="Normalize99"/>).</summary>
    public static void NormalizeInPlace(Span<float> plane, double lower = 1, double upper = 99, bool invert = false)
    {
        if (RangeOf(plane, lower, upper) is not { } range)
        {
            plane.Clear();
            return;
        }

        for (int i = 0; i < plane.Length; i++)
        {
            float v = plane[i];
            float n = range.Apply(v);
            plane[i] = invert && !float.IsNaN(v) ? 1f - n : n;
        }
    }

    /// <summary>
    /// The percentiles (of the finite pixels) that <see cref="NormalizeInPlace"/> maps <paramref name="plane"/> with;
    /// null when the channel is flat (range at most <see cref="FlatRange"/>) or has no finite pixel: it becomes zeros.
    /// </summary>
    public static NormalizationRange? RangeOf(ReadOnlySpan<float> plane, double lower = 1, double upper = 99)
    {
        ValidatePercentiles(lower, upper);
        Span<float> bounds = stackalloc float[2];
        if (!OrderStatistics.TryPercentiles(plane, [lower, upper], bounds, out float min, out float max))
        {
            return null;
        }

        float range = bounds[1] - bounds[0];
        return range > FlatRange ? new NormalizationRange(bounds[0], range, min, max) : null;
    }

    /// <summary>
    /// The <paramref name="percent"/>-th percentile of <paramref name="values"/> with numpy's default linear
    /// interpolation. Reorders <paramref name="values"/> (selection, not a full sort).
    /// </summary>
    public static float Percentile(Span<float> values, double percent)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("no values", nameof(values));
        }

        if (percent is < 0 or > 100 || double.IsNaN(percent))
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "percentile must be within 0..100");
        }

        double position = percent / 100.0 * (values.Length - 1);
        int k = (int)Math.Floor(position);
        double t = position - k;
        float a = Select(values, k);
        if (t == 0 || k + 1 >= values.Length)
        {
            return a;
        }

        // After selecting k, everything right of k is >= values[k]; the (k+1)-th is the smallest there.
        float b = float.PositiveInfinity;
        foreach (float v in values[(k + 1)..])
        {
            if (v < b)
            {
                b = v;
            }
        }

        return Lerp(a, b, t);
    }

    /// <summary>numpy's _lerp: a + (b - a) t, computed from the nearer end for t >= 0.5 so the result stays monotone.</summary>
    internal static float Lerp(float a, float b, double t)
    {
        float diff = b - a;
        float ft = (float)t;
        return ft >= 0.5f ? b - (diff * (1f - ft)) : a + (diff * ft);
    }

    /// <summary>Hoare-style quickselect: afterwards values[k] is the k-th smallest, smaller ones left, larger right.</summary>
    private static float Select(Span<float> values, int k)
    {
        int left = 0;
        int right = values.Length - 1;
        while (right > left)
        {
            int mid = left + ((right - left) / 2);
            float pivot = MedianOfThree(values[left], values[mid], values[right]);
            int i = left;
            int j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                break;
            }
        }

        return values[k];
    }

    private static float MedianOfThree(float a, float b, float c) =>
        a < b ? (b < c ? b : Math.Max(a, c)) : (a < c ? a : Math.Max(b, c));

    private static void ValidatePercentiles(double lower, double upper)
    {
        if (lower is < 0 or > 100 || double.IsNaN(lower))
        {
            throw new ArgumentOutOfRangeException(nameof(lower), lower, "percentile must be within 0..100");
        }

        if (upper is < 0 or > 100 || double.IsNaN(upper) || upper <= lower)
        {
            throw new ArgumentOutOfRangeException(nameof(upper), upper, "upper percentile must be within 0..100 and above the lower one");
        }
    }
}

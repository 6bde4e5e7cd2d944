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
        for (int c = 0; c < image.Channels; c++)
        {
            float[] finite = image.Plane(c).ToArray().Where(float.IsFinite).ToArray();
            if (finite.Length == 0)
            {
                continue;
            }

            low[c] = Normalization.Percentile(finite, lower);
            high[c] = Normalization.Percentile(finite, upper);
        }

        return new IntensityScale(low, high, invert);
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

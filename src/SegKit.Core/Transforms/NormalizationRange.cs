namespace SegKit.Core.Transforms;

/// <summary>
/// What <see cref="Normalization.NormalizeInPlace"/> maps one channel with: its lower and upper percentiles and its
/// finite extremes. <see cref="Apply"/> gives the value a pixel takes, so a reader (an overlay, a tile) can normalise on
/// the fly, bit for bit as the in-place pass, without a normalised copy of the channel.
/// </summary>
/// <param name="Low">The lower percentile: mapped to 0.</param>
/// <param name="Range">Upper minus lower percentile: the value mapped to 1 is Low + Range.</param>
/// <param name="Min">The smallest finite value (where -Inf goes).</param>
/// <param name="Max">The largest finite value (where +Inf goes).</param>
public readonly record struct NormalizationRange(float Low, float Range, float Min, float Max)
{
    /// <summary>The normalised value of <paramref name="v"/>: NaN becomes 0, infinities take the extremes' values.</summary>
    public float Apply(float v)
    {
        if (!float.IsFinite(v))
        {
            if (float.IsNaN(v))
            {
                return 0f;
            }

            v = v > 0 ? Max : Min;
        }

        return (v - Low) / Range;
    }
}

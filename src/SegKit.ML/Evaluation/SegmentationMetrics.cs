namespace SegKit.ML.Evaluation;

/// <summary>
/// Instance metrics of a data set, computed as <c>segkit eval</c> computes its total: TP, FP and FN summed over the rows per
/// threshold, AP and the other ratios from the sums, the aggregated Jaccard index from summed intersections and unions;
/// per-row figures; and foreground pixel metrics.
/// </summary>
public sealed record SegmentationMetrics(
    IReadOnlyList<double> Thresholds,
    int ImageCount,
    int TruthObjects,
    int PredictedObjects,
    IReadOnlyList<ThresholdMetrics> PerThreshold,
    double AggregatedJaccard,
    IReadOnlyList<ImageMetrics> PerImage,
    PixelMetrics Pixels)
{
    /// <summary>The scores at <paramref name="threshold"/>, one of <see cref="Thresholds"/>.</summary>
    public ThresholdMetrics At(double threshold) =>
        PerThreshold.FirstOrDefault(t => t.Threshold == threshold) ?? throw new ArgumentException($"not evaluated at IoU {threshold}; thresholds: {string.Join(", ", Thresholds)}", nameof(threshold));
}

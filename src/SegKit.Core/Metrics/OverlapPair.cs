namespace SegKit.Core.Metrics;

/// <summary>
/// A ground-truth object and a predicted object that share pixels: the shared pixel count (intersection),
/// the pixel count of their union, and the intersection over union (IoU, Jaccard index).
/// </summary>
public readonly record struct OverlapPair(int TruthLabel, int PredictionLabel, long Intersection, long Union)
{
    /// <summary>Intersection / union, computed in float64 from the exact counts (as Cellpose does).</summary>
    public double IoU => (double)Intersection / Union;
}

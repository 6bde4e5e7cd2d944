namespace SegKit.Core.Metrics;

/// <summary>Instance segmentation metrics of one predicted label image against its ground truth.</summary>
public sealed class InstanceEvaluation
{
    internal InstanceEvaluation(LabelOverlap overlap, IReadOnlyList<ThresholdScores> scores, long jaccardIntersection)
    {
        Overlap = overlap;
        Scores = scores;
        Thresholds = scores.Select(s => s.Threshold).ToArray();
        AggregatedJaccardIntersection = jaccardIntersection;
    }

    /// <summary>The object overlaps the metrics were computed from (areas, pairs, IoU).</summary>
    public LabelOverlap Overlap { get; }

    public IReadOnlyList<double> Thresholds { get; }

    /// <summary>Ground-truth objects (labels present).</summary>
    public int TruthCount => Overlap.TruthCount;

    /// <summary>Predicted objects (labels present).</summary>
    public int PredictionCount => Overlap.PredictionCount;

    /// <summary>One entry per threshold, in the order given.</summary>
    public IReadOnlyList<ThresholdScores> Scores { get; }

    /// <summary>
    /// Cellpose v3's aggregated Jaccard index: the pixels shared by the pairs its assignment matches at IoU 0.5
    /// (<see cref="AggregatedJaccardIntersection"/>) over the pixels covered by any object of either image
    /// (<see cref="AggregatedJaccardUnion"/>). 1 when both images are empty.
    /// </summary>
    public double AggregatedJaccard => AggregatedJaccardUnion == 0 ? 1 : (double)AggregatedJaccardIntersection / AggregatedJaccardUnion;

    public long AggregatedJaccardIntersection { get; }

    public long AggregatedJaccardUnion => Overlap.ForegroundUnion;

    /// <summary>The scores at <paramref name="threshold"/>, which must be one of <see cref="Thresholds"/>.</summary>
    public ThresholdScores At(double threshold)
    {
        foreach (ThresholdScores s in Scores)
        {
            if (s.Threshold == threshold)
            {
                return s;
            }
        }

        throw new ArgumentException($"no scores at IoU threshold {threshold}; evaluated at {string.Join(", ", Thresholds)}", nameof(threshold));
    }
}

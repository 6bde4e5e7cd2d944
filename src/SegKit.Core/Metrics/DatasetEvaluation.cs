namespace SegKit.Core.Metrics;

/// <summary>
/// Instance metrics over a data set: TP, FP and FN summed over the images per threshold, with AP, precision,
/// recall and F1 computed from the sums (as StarDist's matching_dataset and the 2018 Data Science Bowl
/// report them), and the aggregated Jaccard index from the summed intersections and unions.
/// </summary>
public sealed class DatasetEvaluation
{
    private DatasetEvaluation(int imageCount, int truthCount, int predictionCount, IReadOnlyList<ThresholdScores> scores, long jaccardIntersection, long jaccardUnion)
    {
        ImageCount = imageCount;
        TruthCount = truthCount;
        PredictionCount = predictionCount;
        Scores = scores;
        Thresholds = scores.Select(s => s.Threshold).ToArray();
        AggregatedJaccardIntersection = jaccardIntersection;
        AggregatedJaccardUnion = jaccardUnion;
    }

    public int ImageCount { get; }

    public int TruthCount { get; }

    public int PredictionCount { get; }

    public IReadOnlyList<double> Thresholds { get; }

    /// <summary>Per threshold, from the counts summed over the images.</summary>
    public IReadOnlyList<ThresholdScores> Scores { get; }

    public long AggregatedJaccardIntersection { get; }

    public long AggregatedJaccardUnion { get; }

    /// <summary>Summed intersections over summed unions (1 when every image is empty).</summary>
    public double AggregatedJaccard => AggregatedJaccardUnion == 0 ? 1 : (double)AggregatedJaccardIntersection / AggregatedJaccardUnion;

    /// <summary>
    /// Aggregates per-image evaluations, which must all use the same thresholds in the same order.
    /// </summary>
    /// <exception cref="ArgumentException">No evaluations, or evaluations made at different thresholds.</exception>
    public static DatasetEvaluation Combine(IEnumerable<InstanceEvaluation> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        IReadOnlyList<double>? thresholds = null;
        long[] tp = [], fp = [], fn = [];
        double[] iouSum = [];
        int count = 0, truth = 0, predicted = 0;
        long intersection = 0, union = 0;
        foreach (InstanceEvaluation image in images)
        {
            ArgumentNullException.ThrowIfNull(image, nameof(images));
            if (thresholds is null)
            {
                thresholds = image.Thresholds;
                tp = new long[thresholds.Count];
                fp = new long[thresholds.Count];
                fn = new long[thresholds.Count];
                iouSum = new double[thresholds.Count];
            }
            else if (!thresholds.SequenceEqual(image.Thresholds))
            {
                throw new ArgumentException(
                    $"image {count} was evaluated at IoU thresholds {string.Join(", ", image.Thresholds)}, the first at {string.Join(", ", thresholds)}",
                    nameof(images));
            }

            for (int k = 0; k < thresholds.Count; k++)
            {
                ThresholdScores s = image.Scores[k];
                tp[k] += s.TruePositives;
                fp[k] += s.FalsePositives;
                fn[k] += s.FalseNegatives;
                iouSum[k] += s.MatchedIoUSum;
            }

            truth = checked(truth + image.TruthCount);
            predicted = checked(predicted + image.PredictionCount);
            intersection += image.AggregatedJaccardIntersection;
            union += image.AggregatedJaccardUnion;
            count++;
        }

        if (thresholds is null)
        {
            throw new ArgumentException("no evaluations to combine", nameof(images));
        }

        var scores = new ThresholdScores[thresholds.Count];
        for (int k = 0; k < scores.Length; k++)
        {
            scores[k] = new ThresholdScores(thresholds[k], checked((int)tp[k]), checked((int)fp[k]), checked((int)fn[k]), iouSum[k]);
        }

        return new DatasetEvaluation(count, truth, predicted, scores, intersection, union);
    }
}

using SegKit.Core.Images;

namespace SegKit.Core.Metrics;

/// <summary>
/// Instance segmentation metrics as Cellpose v3 (metrics.py) and StarDist compute them: object IoU from the
/// label overlap, optimal one-to-one matching per IoU threshold, TP/FP/FN, average precision TP/(TP+FP+FN),
/// precision, recall, F1, mean matched IoU, and the aggregated Jaccard index.
/// </summary>
public static class InstanceMetrics
{
    /// <summary>The thresholds Cellpose reports by default.</summary>
    public static IReadOnlyList<double> DefaultThresholds { get; } = [0.5, 0.75, 0.9];

    /// <summary>
    /// Scores <paramref name="prediction"/> against <paramref name="truth"/> at each IoU threshold
    /// (default 0.5, 0.75, 0.9; each in (0, 1]).
    /// </summary>
    /// <exception cref="ShapeMismatchException">The two label images differ in shape.</exception>
    public static InstanceEvaluation Evaluate(LabelImage truth, LabelImage prediction, IReadOnlyList<double>? thresholds = null) =>
        Evaluate(LabelOverlap.Compute(truth, prediction), thresholds);

    /// <summary>Scores an overlap already computed.</summary>
    public static InstanceEvaluation Evaluate(LabelOverlap overlap, IReadOnlyList<double>? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(overlap);
        thresholds ??= DefaultThresholds;
        if (thresholds.Count == 0)
        {
            throw new ArgumentException("at least one IoU threshold is needed", nameof(thresholds));
        }

        foreach (double th in thresholds)
        {
            ValidateThreshold(th, nameof(thresholds));
        }

        var solver = new SparseAssignment(overlap.TruthMaxLabel, overlap.PredictionMaxLabel);
        IReadOnlyList<OverlapPair> pairs = overlap.Pairs;
        var scores = new ThresholdScores[thresholds.Count];
        List<int>? atHalf = null;
        for (int k = 0; k < scores.Length; k++)
        {
            double th = thresholds[k];
            List<int> matched = ObjectMatching.AssignIndices(overlap, th, solver);
            if (th == 0.5)
            {
                atHalf = matched;
            }

            int tp = 0;
            double iouSum = 0;
            foreach (int index in matched)
            {
                double iou = pairs[index].IoU;
                if (iou >= th)
                {
                    tp++;
                    iouSum += iou;
                }
            }

            scores[k] = new ThresholdScores(th, tp, overlap.PredictionCount - tp, overlap.TruthCount - tp, iouSum);
        }

        // Cellpose's aggregated_jaccard_index takes the pairs of its 0.5 assignment (mask_ious), whatever their IoU.
        atHalf ??= ObjectMatching.AssignIndices(overlap, 0.5, solver);
        long intersection = 0;
        foreach (int index in atHalf)
        {
            intersection += pairs[index].Intersection;
        }

        return new InstanceEvaluation(overlap, scores, intersection);
    }

    internal static void ValidateThreshold(double threshold, string parameterName)
    {
        // IoU >= 0 would hold for every pair, overlapping or not, so 0 is no threshold.
        if (!(threshold > 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(parameterName, threshold, "IoU thresholds must lie in (0, 1]");
        }
    }
}

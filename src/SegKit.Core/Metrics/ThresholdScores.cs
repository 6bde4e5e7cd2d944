namespace SegKit.Core.Metrics;

/// <summary>
/// Matching counts and scores at one IoU threshold, for one image or summed over a data set.
/// </summary>
/// <remarks>
/// Ratios with a zero denominator: when there is nothing to find and nothing was predicted
/// (TP = FP = FN = 0) the prediction is perfect, so AP, precision, recall and F1 are 1; otherwise a zero
/// denominator gives 0 (StarDist's convention: no predictions means precision 0, no truth means recall 0).
/// Cellpose itself returns NaN for AP when both images are empty. <see cref="MeanMatchedIoU"/> is 0 without
/// true positives.
/// </remarks>
public sealed class ThresholdScores
{
    public ThresholdScores(double threshold, int truePositives, int falsePositives, int falseNegatives, double matchedIoUSum)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(truePositives);
        ArgumentOutOfRangeException.ThrowIfNegative(falsePositives);
        ArgumentOutOfRangeException.ThrowIfNegative(falseNegatives);
        Threshold = threshold;
        TruePositives = truePositives;
        FalsePositives = falsePositives;
        FalseNegatives = falseNegatives;
        MatchedIoUSum = matchedIoUSum;
    }

    public double Threshold { get; }

    /// <summary>Matched pairs with IoU &gt;= <see cref="Threshold"/>.</summary>
    public int TruePositives { get; }

    /// <summary>Predicted objects without a match.</summary>
    public int FalsePositives { get; }

    /// <summary>Ground-truth objects without a match.</summary>
    public int FalseNegatives { get; }

    /// <summary>Sum of the IoU of the true-positive pairs (kept so that data sets can be aggregated).</summary>
    public double MatchedIoUSum { get; }

    /// <summary>
    /// TP / (TP + FP + FN), the "average precision" of Cellpose, StarDist and the 2018 Data Science Bowl,
    /// rounded to float32 as Cellpose computes it (so it compares exactly with Cellpose's numbers).
    /// </summary>
    public double AveragePrecision => Ratio32(TruePositives, TruePositives + FalsePositives + FalseNegatives);

    /// <summary>TP / (TP + FP).</summary>
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN).</summary>
    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>2 TP / (2 TP + FP + FN).</summary>
    public double F1 => Ratio(2L * TruePositives, (2L * TruePositives) + FalsePositives + FalseNegatives);

    /// <summary>Mean IoU of the true-positive pairs (StarDist's mean_matched_score).</summary>
    public double MeanMatchedIoU => TruePositives == 0 ? 0 : MatchedIoUSum / TruePositives;

    private bool NothingToScore => TruePositives == 0 && FalsePositives == 0 && FalseNegatives == 0;

    public override string ToString() =>
        FormattableString.Invariant($"IoU>={Threshold}: TP {TruePositives} FP {FalsePositives} FN {FalseNegatives} AP {AveragePrecision:0.####} F1 {F1:0.####}");

    private double Ratio(long numerator, long denominator) =>
        denominator == 0 ? (NothingToScore ? 1 : 0) : (double)numerator / denominator;

    private double Ratio32(long numerator, long denominator) =>
        denominator == 0 ? (NothingToScore ? 1 : 0) : (float)numerator / (float)denominator;
}

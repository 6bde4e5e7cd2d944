using SegKit.Core.Metrics;

namespace SegKit.ML.Evaluation;

/// <summary>Matching at one IoU threshold: counts and the scores computed from them (see <see cref="ThresholdScores"/>).</summary>
public sealed record ThresholdMetrics(
    double Threshold,
    int TruePositives,
    int FalsePositives,
    int FalseNegatives,
    double AveragePrecision,
    double Precision,
    double Recall,
    double F1,
    double MeanMatchedIoU)
{
    internal static ThresholdMetrics From(ThresholdScores s) =>
        new(s.Threshold, s.TruePositives, s.FalsePositives, s.FalseNegatives, s.AveragePrecision, s.Precision, s.Recall, s.F1, s.MeanMatchedIoU);
}

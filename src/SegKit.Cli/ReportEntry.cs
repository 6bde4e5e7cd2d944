using SegKit.Core.Metrics;

namespace SegKit.Cli;

/// <summary>Turns metric results into report entries (per image, and the data-set total).</summary>
internal static class ReportEntry
{
    public static EvaluationReportEntry From(string name, string truthFile, string predictionFile, InstanceEvaluation e) =>
        new(name, truthFile, predictionFile, e.TruthCount, e.PredictionCount, e.Scores.Select(From).ToList(), e.AggregatedJaccard);

    public static EvaluationReportEntry From(DatasetEvaluation e) =>
        new("total", null, null, e.TruthCount, e.PredictionCount, e.Scores.Select(From).ToList(), e.AggregatedJaccard);

    private static EvaluationReportThreshold From(ThresholdScores s) =>
        new(s.Threshold, s.TruePositives, s.FalsePositives, s.FalseNegatives, s.AveragePrecision, s.Precision, s.Recall, s.F1, s.MeanMatchedIoU);
}

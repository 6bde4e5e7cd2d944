using SegKit.Core.Metrics;

namespace SegKit.Cli;

/// <summary>Turns metric results into report entries (per image, and the data-set total).</summary>
internal static class ReportEntry
{
    public static EvaluationReportEntry From(string name, string truthFile, string predictionFile, InstanceEvaluation e, SemanticEvaluation pixels) =>
        new(name, truthFile, predictionFile, e.TruthCount, e.PredictionCount, e.Scores.Select(From).ToList(), e.AggregatedJaccard, From(pixels));

    public static EvaluationReportEntry From(DatasetEvaluation e, SemanticEvaluation pixels) =>
        new("total", null, null, e.TruthCount, e.PredictionCount, e.Scores.Select(From).ToList(), e.AggregatedJaccard, From(pixels));

    private static EvaluationReportPixels From(SemanticEvaluation s) => new(s.PixelAccuracy, s.IoU[1], s.Dice[1]);

    private static EvaluationReportThreshold From(ThresholdScores s) =>
        new(s.Threshold, s.TruePositives, s.FalsePositives, s.FalseNegatives, s.AveragePrecision, s.Precision, s.Recall, s.F1, s.MeanMatchedIoU);
}

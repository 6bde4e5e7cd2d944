using System.Text.Json.Serialization;
using SegKit.Core.Metrics;

namespace SegKit.Cli;

/// <summary>
/// A U-Net's foreground probability scored at each probability threshold over the data set (summed counts), and the ISBI
/// 2012 challenge's pixel error, 1 minus the maximal F-score (see <see cref="ProbabilityThresholdSweep"/>).
/// </summary>
internal sealed record EvaluationReportSweep(
    [property: JsonPropertyName("thresholds")] IReadOnlyList<double> Thresholds,
    [property: JsonPropertyName("accuracy")] IReadOnlyList<double> Accuracy,
    [property: JsonPropertyName("f_score")] IReadOnlyList<double> FScore,
    [property: JsonPropertyName("best_threshold")] double BestThreshold,
    [property: JsonPropertyName("pixel_error")] double PixelError)
{
    public static EvaluationReportSweep From(ProbabilityThresholdSweep sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var range = Enumerable.Range(0, sweep.Thresholds.Count).ToList();
        return new(sweep.Thresholds, range.Select(sweep.Accuracy).ToList(), range.Select(sweep.FScore).ToList(), sweep.Thresholds[sweep.BestIndex], sweep.PixelError);
    }
}

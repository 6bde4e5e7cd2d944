using System.Text.Json.Serialization;

namespace SegKit.Cli;

/// <summary>Matching counts at one IoU threshold; average_precision = tp / (tp + fp + fn), as Cellpose and StarDist report it.</summary>
internal sealed record EvaluationReportThreshold(
    [property: JsonPropertyName("threshold")] double Threshold,
    [property: JsonPropertyName("tp")] int TruePositives,
    [property: JsonPropertyName("fp")] int FalsePositives,
    [property: JsonPropertyName("fn")] int FalseNegatives,
    [property: JsonPropertyName("average_precision")] double AveragePrecision,
    [property: JsonPropertyName("precision")] double Precision,
    [property: JsonPropertyName("recall")] double Recall,
    [property: JsonPropertyName("f1")] double F1,
    [property: JsonPropertyName("mean_matched_iou")] double MeanMatchedIoU);

using System.Text.Json.Serialization;

namespace SegKit.Cli;

/// <summary>Foreground-versus-background pixel metrics of an image (or of the data set, from summed counts).</summary>
internal sealed record EvaluationReportPixels(
    [property: JsonPropertyName("accuracy")] double Accuracy,
    [property: JsonPropertyName("foreground_iou")] double ForegroundIoU,
    [property: JsonPropertyName("foreground_dice")] double ForegroundDice);

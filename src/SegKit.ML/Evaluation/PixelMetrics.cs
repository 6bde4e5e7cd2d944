namespace SegKit.ML.Evaluation;

/// <summary>
/// Foreground/background pixel metrics over the data set (confusion matrices summed): what a semantic model is judged by.
/// </summary>
public sealed record PixelMetrics(double PixelAccuracy, double ForegroundDice, double ForegroundIoU, double MeanDice, double MeanIoU);

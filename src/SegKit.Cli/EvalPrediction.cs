using SegKit.Core.Images;

namespace SegKit.Cli;

/// <summary>
/// What segkit eval scores for one image: the predicted labels, and with a U-Net model the foreground probability per
/// pixel (row-major), which eval also scores over probability thresholds; null when the labels were read from a file or
/// came from a Cellpose model (whose cell probability is a logit, not a class probability).
/// </summary>
internal sealed record EvalPrediction(LabelImage Labels, float[]? ForegroundProbability = null);

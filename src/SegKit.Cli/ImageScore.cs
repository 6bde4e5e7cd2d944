using SegKit.Core.Metrics;

namespace SegKit.Cli;

/// <summary>
/// One scored image of segkit eval: its name, its ground-truth and prediction files, instance and pixel scores, and
/// the probability-threshold sweep when the prediction came with a foreground probability.
/// </summary>
internal sealed record ImageScore(string Name, string Truth, string Pred, InstanceEvaluation Result, SemanticEvaluation Pixels, ProbabilityThresholdSweep? Sweep = null);

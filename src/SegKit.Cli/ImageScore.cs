using SegKit.Core.Metrics;

namespace SegKit.Cli;

/// <summary>One scored image of segkit eval: its name, its ground-truth and prediction files, instance and pixel scores.</summary>
internal sealed record ImageScore(string Name, string Truth, string Pred, InstanceEvaluation Result, SemanticEvaluation Pixels);

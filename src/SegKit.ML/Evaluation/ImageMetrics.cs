namespace SegKit.ML.Evaluation;

/// <summary>One row's instance metrics.</summary>
public sealed record ImageMetrics(long Row, int TruthObjects, int PredictedObjects, IReadOnlyList<ThresholdMetrics> PerThreshold, double AggregatedJaccard);

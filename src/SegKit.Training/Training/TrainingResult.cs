namespace SegKit.Training.Training;

/// <summary>Where a run left its files and how good its best checkpoint was.</summary>
public sealed record TrainingResult(string LastCheckpoint, string? BestCheckpoint, double? BestMetric, int? BestEpoch, string Log, IReadOnlyList<EpochReport> Epochs)
{
    /// <summary>The mean of the weights from <see cref="TrainerOptions.AverageFrom"/> on (<c>average.ckpt</c>); null when the run keeps none.</summary>
    public string? AverageCheckpoint { get; init; }
}

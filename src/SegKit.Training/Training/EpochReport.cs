namespace SegKit.Training.Training;

/// <summary>What one epoch did: mean training loss, learning rate, and the validation metric when it ran.</summary>
/// <param name="ValidationMetric">AP@0.5 (Cellpose) or the U-Net's selection metric (foreground IoU or pixel accuracy) on the validation set; null when not validated.</param>
public sealed record EpochReport(int Epoch, int Epochs, double LearningRate, double TrainLoss, double? ValidationMetric, TimeSpan Elapsed)
{
    /// <summary>The first line of a LibTorch error after which the epoch was run again from the last checkpoint; null when none.</summary>
    public string? RetriedAfter { get; init; }
}

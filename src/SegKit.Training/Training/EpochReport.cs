namespace SegKit.Training.Training;

/// <summary>What one epoch did: mean training loss, learning rate, and the validation metric when it ran.</summary>
/// <param name="ValidationMetric">AP@0.5 (Cellpose) or foreground IoU (U-Net) on the validation set; null when not validated.</param>
public sealed record EpochReport(int Epoch, int Epochs, double LearningRate, double TrainLoss, double? ValidationMetric, TimeSpan Elapsed);

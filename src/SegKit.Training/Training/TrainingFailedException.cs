using SegKit.Core;

namespace SegKit.Training.Training;

/// <summary>LibTorch failed inside a training step; the message names the epoch and the checkpoint to resume from.</summary>
public sealed class TrainingFailedException(string message, Exception inner) : SegKitException(message, null, inner);

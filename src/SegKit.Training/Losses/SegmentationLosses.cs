using static TorchSharp.torch;

namespace SegKit.Training.Losses;

/// <summary>
/// The losses of the two model families. Logits are [N, C, H, W]; class targets [N, H, W] (int64);
/// weight maps [N, H, W]. Every loss is a scalar mean over pixels (and classes, for Dice).
/// </summary>
public static class SegmentationLosses
{
    /// <summary>Softmax cross-entropy over classes, averaged over pixels.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor classes)
    {
        CheckClasses(logits, classes);
        return nn.functional.cross_entropy(logits, classes);
    }

    /// <summary>
    /// U-Net's weighted cross-entropy: each pixel's loss times w(x) (see SegKit.Core.Classical.UNetWeightMap),
    /// averaged over pixels, so the thin background between touching cells is learnt.
    /// </summary>
    public static Tensor WeightedCrossEntropy(Tensor logits, Tensor classes, Tensor weights)
    {
        CheckClasses(logits, classes);
        if (!weights.shape.SequenceEqual(classes.shape))
        {
            throw new ArgumentException($"weight map shape [{string.Join(", ", weights.shape)}] differs from the targets' [{string.Join(", ", classes.shape)}]", nameof(weights));
        }

        using var scope = NewDisposeScope();
        Tensor perPixel = nn.functional.cross_entropy(logits, classes, reduction: nn.Reduction.None);
        return (perPixel * weights).mean().MoveToOuterDisposeScope();
    }

    /// <summary>Soft Dice loss: 1 - mean over classes of 2|P.T| / (|P| + |T|), with softmax probabilities.</summary>
    public static Tensor Dice(Tensor logits, Tensor classes, double smooth = 1.0)
    {
        CheckClasses(logits, classes);
        using var scope = NewDisposeScope();
        long classCount = logits.shape[1];
        Tensor probabilities = logits.softmax(1);
        Tensor onehot = nn.functional.one_hot(classes, classCount).permute(0, 3, 1, 2).to_type(probabilities.dtype);
        long[] dims = [0, 2, 3];
        Tensor intersection = (probabilities * onehot).sum(dims);
        Tensor total = probabilities.sum(dims) + onehot.sum(dims);
        Tensor dice = ((2 * intersection) + smooth) / (total + smooth);
        return (1 - dice.mean()).MoveToOuterDisposeScope();
    }

    /// <summary>Binary cross-entropy on logits (numerically stable), averaged over pixels; targets in [0, 1].</summary>
    public static Tensor BinaryCrossEntropy(Tensor logits, Tensor targets)
    {
        if (!logits.shape.SequenceEqual(targets.shape))
        {
            throw new ArgumentException($"logits [{string.Join(", ", logits.shape)}] and targets [{string.Join(", ", targets.shape)}] differ", nameof(targets));
        }

        return nn.functional.binary_cross_entropy_with_logits(logits, targets);
    }

    /// <summary>
    /// Cellpose's loss: half the mean squared error between the predicted flows (channels 0, 1) and 5x the unit flow
    /// targets, plus BCE-with-logits between channel 2 and the cell mask.
    /// </summary>
    /// <param name="output">[N, 3, H, W]: dY, dX, cell-probability logit.</param>
    /// <param name="flows">[N, 2, H, W] unit flows (dY, dX) computed from the masks.</param>
    /// <param name="cells">[N, H, W]: 1 inside cells, 0 outside.</param>
    public static Tensor Cellpose(Tensor output, Tensor flows, Tensor cells)
    {
        if (output.dim() != 4 || output.shape[1] != 3)
        {
            throw new ArgumentException($"Cellpose output must be [N, 3, H, W], not [{string.Join(", ", output.shape)}]", nameof(output));
        }

        using var scope = NewDisposeScope();
        Tensor flowLoss = nn.functional.mse_loss(output.narrow(1, 0, 2), flows * 5) / 2;
        Tensor probabilityLoss = nn.functional.binary_cross_entropy_with_logits(output.select(1, 2), cells.to_type(output.dtype));
        return (flowLoss + probabilityLoss).MoveToOuterDisposeScope();
    }

    private static void CheckClasses(Tensor logits, Tensor classes)
    {
        if (logits.dim() != 4 || classes.dim() != 3 || logits.shape[0] != classes.shape[0] || logits.shape[2] != classes.shape[1] || logits.shape[3] != classes.shape[2])
        {
            throw new ArgumentException($"logits [{string.Join(", ", logits.shape)}] and class targets [{string.Join(", ", classes.shape)}] do not match (want [N, C, H, W] and [N, H, W])", nameof(classes));
        }
    }
}

namespace SegKit.Training.Models;

/// <summary>The shape of a <see cref="UNet"/>.</summary>
public sealed record UNetOptions
{
    /// <summary>Ronneberger et al. 2015: valid 3x3 convolutions, 2x2 max-pool, 2x2 up-convolutions, 64 base channels,
    /// 4 down-steps, crop-and-concatenate, dropout at the end of the contracting path, no batch norm.</summary>
    public static UNetOptions Original2015 { get; } = new()
    {
        Padding = UNetPadding.Valid,
        BatchNorm = false,
        BottleneckDropout = 0.5,
        Upsampling = UNetUpsampling.TransposedConvolution,
    };

    /// <summary>The common modern variant: same padding (output at input size, any size) and batch norm.</summary>
    public static UNetOptions Modern { get; } = new() { Padding = UNetPadding.Same, BatchNorm = true };

    public int InputChannels { get; init; } = 1;

    /// <summary>Output channels: class logits (softmax for 2+, sigmoid for 1).</summary>
    public int Classes { get; init; } = 2;

    /// <summary>Down-steps (max-pools); the paper uses 4.</summary>
    public int Depth { get; init; } = 4;

    /// <summary>Channels of the first level; doubled at each down-step.</summary>
    public int BaseWidth { get; init; } = 64;

    public UNetPadding Padding { get; init; } = UNetPadding.Same;

    public UNetSkip Skip { get; init; } = UNetSkip.Concatenate;

    public UNetUpsampling Upsampling { get; init; } = UNetUpsampling.TransposedConvolution;

    public bool BatchNorm { get; init; } = true;

    /// <summary>Dropout probability at the bottleneck (0 = none).</summary>
    public double BottleneckDropout { get; init; }

    /// <summary>
    /// The output side for an input side, or null when the input does not fit: with valid padding every level's
    /// map must stay positive and even before pooling (572 -> 388 for the paper's network).
    /// </summary>
    public int? OutputSize(int inputSize)
    {
        if (Padding == UNetPadding.Same)
        {
            return inputSize >= 1 ? inputSize : null;
        }

        int size = inputSize;
        for (int d = 0; d < Depth; d++)
        {
            size -= 4;
            if (size <= 0 || size % 2 != 0)
            {
                return null;
            }

            size /= 2;
        }

        size -= 4;
        for (int d = 0; d < Depth && size > 0; d++)
        {
            size = (size * 2) - 4;
        }

        return size >= 1 ? size : null;
    }

    /// <summary>The smallest input side whose output covers at least <paramref name="outputSize"/> pixels.</summary>
    public int InputSizeFor(int outputSize)
    {
        for (int input = Math.Max(1, outputSize); ; input++)
        {
            if (OutputSize(input) is int o && o >= outputSize)
            {
                return input;
            }
        }
    }

    /// <summary>The smallest input side of at least <paramref name="size"/> that the network accepts.</summary>
    public int NextValidInputSize(int size)
    {
        for (int input = Math.Max(1, size); ; input++)
        {
            if (OutputSize(input) is not null)
            {
                return input;
            }
        }
    }
}

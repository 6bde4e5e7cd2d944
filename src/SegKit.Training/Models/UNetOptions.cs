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
}

namespace SegKit.Training.Models;

/// <summary>The shape of a <see cref="CellposeNet"/>: input channels and the widths of its four levels.</summary>
public sealed record CellposeNetOptions
{
    /// <summary>Cellpose v3's default network: widths 32-64-128-256 (6.6 M parameters).</summary>
    public static CellposeNetOptions Default { get; } = new();

    /// <summary>The compact network: widths 16-32-64-128 (1.65 M parameters, about 5x faster on a CPU).</summary>
    public static CellposeNetOptions Compact { get; } = new() { Widths = [16, 32, 64, 128] };

    /// <summary>Input channels: Cellpose's [cytoplasm, nucleus].</summary>
    public int InputChannels { get; init; } = 2;

    /// <summary>Feature channels per level, shallow to deep; each level halves the resolution.</summary>
    public IReadOnlyList<int> Widths { get; init; } = [32, 64, 128, 256];

    /// <summary>Convolution kernel size.</summary>
    public int Kernel { get; init; } = 3;

    /// <summary>Outputs: dY, dX and the cell-probability logit.</summary>
    public int OutputChannels { get; init; } = 3;

    /// <summary>The object diameter (pixels) the network is trained at; images are rescaled to it.</summary>
    public double DiameterMean { get; init; } = 30.0;
}

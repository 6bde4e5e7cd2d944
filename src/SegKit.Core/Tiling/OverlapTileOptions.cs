namespace SegKit.Core.Tiling;

/// <summary>How a valid-padding network (its output is its input less a halo on every side) covers an image.</summary>
public sealed record OverlapTileOptions
{
    /// <summary>Side of the square input tiles: one of the sizes the network accepts.</summary>
    public int TileSize { get; init; } = 256;

    /// <summary>Context pixels the network trims at each border (the model card's halo); above 0.</summary>
    public int Halo { get; init; }

    /// <summary>
    /// The network's total down-sampling (2^depth). Tiles start at multiples of it, so each sees the pooling grid a
    /// whole-image pass would and the stitched result equals that pass. Null derives it from the halo of SegKit's
    /// valid U-Nets (halo = 6 x 2^depth - 4), else 1.
    /// </summary>
    public int? DownsamplingFactor { get; init; }

    /// <summary>Tiles per network call.</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>The down-sampling factor in use: <see cref="DownsamplingFactor"/>, or the one the halo implies.</summary>
    public int Factor => DownsamplingFactor ?? ((Halo + 4) % 6 == 0 && int.IsPow2((Halo + 4) / 6) ? (Halo + 4) / 6 : 1);

    /// <summary>Null when these options can tile an image; otherwise what is wrong with them.</summary>
    public string? Problem()
    {
        int output = TileSize - (2 * Halo);
        if (Halo <= 0 || output <= 0)
        {
            return $"a halo of {Halo} leaves no output in a {TileSize}-pixel tile";
        }

        return Factor < 1 || output < Factor
            ? $"a {TileSize}-pixel tile with halo {Halo} gives {output} output pixels, fewer than the down-sampling factor {Factor}; use a larger tile"
            : null;
    }
}

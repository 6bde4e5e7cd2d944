using SegKit.Core.Images;

namespace SegKit.Core.Tiling;

/// <summary>How an image is cut into tiles for a network and put back together.</summary>
public sealed record TilingOptions
{
    public int TileSize { get; init; } = TilePlan.DefaultTileSize;

    /// <summary>Fraction of a tile shared with its neighbour (clamped to 0.05..0.5).</summary>
    public double Overlap { get; init; } = 0.1;

    /// <summary>Tiles per network call.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>
    /// Test-time augmentation: each tile also runs flipped left-right, up-down and both, the outputs are
    /// flipped back (flow components negated along the flipped axis) and averaged.
    /// </summary>
    public bool FlipAugmentation { get; init; }

    /// <summary>What tiles see beyond the image: SegKit's mirror, or Cellpose's zeros (for models imported from Cellpose).</summary>
    public TilePadding Padding { get; init; } = TilePadding.Mirror;

    /// <summary>Output channels that are flow components; null when the network predicts no flows.</summary>
    public FlowChannels? Flows { get; init; } = FlowChannels.Cellpose;
}

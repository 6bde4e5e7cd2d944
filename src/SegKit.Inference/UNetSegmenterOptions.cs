namespace SegKit.Inference;

/// <summary>How a U-Net is applied: classes, which class is the objects, how instances are formed, how it is tiled.</summary>
public sealed record UNetSegmenterOptions
{
    /// <summary>Output channels (class logits; 1 means a single sigmoid foreground logit).</summary>
    public int Classes { get; init; } = 2;

    /// <summary>Normalise each image to zero mean and unit variance ((x - mean) / (std + epsilon)) instead of by percentiles.</summary>
    public bool ZeroMeanUnitVariance { get; init; }

    /// <summary>The epsilon of <see cref="ZeroMeanUnitVariance"/>.</summary>
    public double NormalizeEpsilon { get; init; } = 1e-6;

    /// <summary>Fixed normalisation bounds of the gray image (the blocks of one large image share the whole image's); null: each image's own.</summary>
    public SegKit.Core.Transforms.IntensityScale? Intensity { get; init; }

    public int ForegroundClass { get; init; } = 1;

    /// <summary>The boundary class for <see cref="InstanceMode.BoundaryWatershed"/>; null when the model has none.</summary>
    public int? BoundaryClass { get; init; }

    public InstanceMode Instances { get; init; } = InstanceMode.ConnectedComponents;

    /// <summary>Side of the square tiles the network is given (for a valid-padding U-Net, one of the sizes it accepts).</summary>
    public int TileSize { get; init; } = 256;

    /// <summary>
    /// Context pixels a valid-padding U-Net trims at each border (the model card's halo): 0 for same padding, whose
    /// tiles are blended; above 0 the network returns each tile's centre, (TileSize - 2 Halo) square, and the image
    /// is covered by the paper's overlap-tile scheme instead (mirrored borders, centres stitched without blending).
    /// </summary>
    public int Halo { get; init; }

    /// <summary>
    /// Valid padding: the network's total down-sampling (2^depth). Tiles start at multiples of it, so each sees the
    /// pooling grid a whole-image pass would and the stitched result equals that pass. Null derives it from the halo
    /// of SegKit's valid U-Nets (halo = 6 x 2^depth - 4), else 1.
    /// </summary>
    public int? DownsamplingFactor { get; init; }

    public int BatchSize { get; init; } = 4;

    /// <summary>
    /// Average each tile's logits with those of its flipped versions (4 network passes). Same padding only: the overlap-tile
    /// scheme of a valid-padding U-Net has no flipped pass, so it refuses the option rather than ignore it.
    /// </summary>
    public bool FlipAugmentation { get; init; }

    /// <summary>Percentile mapped to 0 by the input normalisation (the model card's; 1 as in Cellpose).</summary>
    public double LowPercentile { get; init; } = 1;

    /// <summary>Percentile mapped to 1 (the model card's; models imported from bioimage.io often use 99.8).</summary>
    public double HighPercentile { get; init; } = 99;

    /// <summary>Objects smaller than this many pixels are dropped.</summary>
    public int MinSize { get; init; } = 15;
}

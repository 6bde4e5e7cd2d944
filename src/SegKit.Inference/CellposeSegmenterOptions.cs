using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Core.Pipelines;
using SegKit.Core.Tiling;
using SegKit.Core.Transforms;

namespace SegKit.Inference;

/// <summary>How a Cellpose model is applied; the model's own settings (diameter, channels) come from its card.</summary>
public sealed record CellposeSegmenterOptions
{
    public ChannelSelection Channels { get; init; } = ChannelSelection.Gray;

    /// <summary>Invert images with a bright background after normalisation (the card says when the model was trained so).</summary>
    public bool InvertBrightBackground { get; init; }

    /// <summary>The percentiles each channel's values are scaled between (0 and 1), from the card: Cellpose's 1 and 99 unless it says otherwise.</summary>
    public double LowPercentile { get; init; } = 1;

    /// <inheritdoc cref="LowPercentile"/>
    public double HighPercentile { get; init; } = 99;

    /// <summary>
    /// Fixed normalisation bounds (and inversion) for every image, instead of each image's own percentiles and
    /// polarity: the blocks of one large image share the whole image's (<see cref="IntensityScale.Measure"/>).
    /// </summary>
    public IntensityScale? Intensity { get; init; }

    /// <summary>The model's training diameter in pixels.</summary>
    public double ModelDiameter { get; init; } = CellposeSettings.DefaultModelDiameter;

    /// <summary>The objects' diameter in the images; null uses the model diameter (no rescaling) unless <see cref="EstimateDiameter"/>.</summary>
    public double? Diameter { get; init; }

    /// <summary>
    /// When no diameter is given, estimate it per image: with <see cref="DiameterEstimator"/> (the card's size model) in
    /// one cheap pass, else from a first pass at the model's scale (the median-area diameter of its masks); then segment
    /// at that scale.
    /// </summary>
    public bool EstimateDiameter { get; init; }

    /// <summary>The one-pass estimate (see <see cref="StyleDiameterEstimator"/>); null estimates from a first pass's masks.</summary>
    public IDiameterEstimator? DiameterEstimator { get; init; }

    /// <summary>Check <see cref="DiameterEstimator"/>'s estimate with the masks it gives, and segment again where they disagree (<see cref="CellposeSettings.RefineDiameter"/>).</summary>
    public bool RefineDiameter { get; init; }

    public int TileSize { get; init; } = TilePlan.DefaultTileSize;

    /// <summary>What tiles see beyond the image: the card's choice (Cellpose's zeros for models imported from Cellpose).</summary>
    public TilePadding TilePadding { get; init; } = TilePadding.Mirror;

    /// <summary>Tiles per network call (see <see cref="SegmentOptions.CellposeBatchSize"/>).</summary>
    public int BatchSize { get; init; } = SegmentOptions.CellposeBatchSize;

    public bool FlipAugmentation { get; init; }

    public DynamicsOptions Dynamics { get; init; } = DynamicsOptions.Default;
}

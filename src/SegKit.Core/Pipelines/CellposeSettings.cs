using SegKit.Core.Dynamics;
using SegKit.Core.Tiling;

namespace SegKit.Core.Pipelines;

/// <summary>How a Cellpose-style network is run on one image: scale, tiling, test-time augmentation, dynamics.</summary>
public sealed record CellposeSettings
{
    /// <summary>Cellpose's training diameter for its cyto models, in pixels: the default where no model card says otherwise.</summary>
    public const double DefaultModelDiameter = 30;

    /// <summary>The object diameter (pixels) the network was trained at (Cellpose: 30; nuclei models 17).</summary>
    public double ModelDiameter { get; init; } = DefaultModelDiameter;

    /// <summary>
    /// The objects' diameter in this image; the image is rescaled by ModelDiameter / Diameter. Null: no rescaling, unless
    /// <see cref="EstimateDiameter"/>.
    /// </summary>
    public double? Diameter { get; init; }

    /// <summary>
    /// Without a <see cref="Diameter"/>: estimate it, with <see cref="DiameterEstimator"/> where there is one, else from a
    /// first pass at the model's scale (the median-area diameter of its masks), and segment at that scale. An image whose
    /// estimate fails stays at the model's scale.
    /// </summary>
    public bool EstimateDiameter { get; init; }

    /// <summary>A one-pass estimate (the model's size model); null: estimate from the masks of a whole first pass.</summary>
    public IDiameterEstimator? DiameterEstimator { get; init; }

    /// <summary>
    /// With a <see cref="DiameterEstimator"/>: an estimate within this relative distance of the model's diameter runs at
    /// the model's scale (no resampling), as a fixed diameter that close changes the result little.
    /// </summary>
    public double EstimateTolerance { get; init; } = 0.1;

    /// <summary>
    /// With a <see cref="DiameterEstimator"/>: measure the median diameter of the masks segmented at its estimate, and
    /// segment again at that diameter when it differs from the one used by more than <see cref="EstimateTolerance"/>
    /// (a second pass only for the images whose estimate was off).
    /// </summary>
    public bool RefineDiameter { get; init; }

    public int TileSize { get; init; } = TilePlan.DefaultTileSize;

    public double TileOverlap { get; init; } = 0.1;

    /// <summary>What tiles see beyond the image (Cellpose's zeros for models imported from Cellpose).</summary>
    public TilePadding TilePadding { get; init; } = TilePadding.Mirror;

    public int BatchSize { get; init; } = 8;

    /// <summary>Average each tile with its flipped versions (flow signs corrected).</summary>
    public bool FlipAugmentation { get; init; }

    public DynamicsOptions Dynamics { get; init; } = DynamicsOptions.Default;
}

using SegKit.Core.Dynamics;
using SegKit.Core.Images;

namespace SegKit.Inference;

/// <summary>
/// How a model is applied, for every front door (segkit segment and eval, the build's validator, generated predictors,
/// SegKit.ML, services). A null setting means "what the model's card says"; <see cref="ModelSegmenter"/> resolves them,
/// in one place. What does not apply to the model's kind is ignored (a diameter for a U-Net).
/// </summary>
public sealed record SegmentOptions
{
    /// <summary>
    /// Tiles per network call for a Cellpose model when <see cref="BatchSize"/> is null: two 224-pixel tiles keep ONNX
    /// Runtime's arena 150 MB smaller than eight for the shipped nuclei model, and run as fast (a 2048 x 2048 pass
    /// 4.1 s vs 4.5 s; docs/performance.md).
    /// </summary>
    public const int CellposeBatchSize = 2;

    /// <summary>Tiles per network call for a U-Net when <see cref="BatchSize"/> is null (its tiles are larger).</summary>
    public const int UNetBatchSize = 4;

    /// <summary>Cellpose: the objects' diameter in the images, in pixels; null estimates it or uses the card's.</summary>
    public double? Diameter
    {
        get;
        init => field = value is null || (value > 0 && double.IsFinite(value.Value))
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Diameter), value, "Diameter must be a positive number of pixels (or null)");
    }

    /// <summary>
    /// Cellpose without <see cref="Diameter"/>: estimate each image's diameter from a first pass at the model's scale
    /// (what segkit does by default); false runs at the card's diameter.
    /// </summary>
    public bool EstimateDiameter { get; init; } = true;

    /// <summary>
    /// Fixed normalisation bounds (and inversion) instead of each image's own, from <see cref="ModelSegmenter.MeasureIntensity"/>
    /// on a whole image: what block-wise segmentation gives each block. Null: every image is normalised on its own.
    /// </summary>
    public SegKit.Core.Transforms.IntensityScale? Intensity { get; init; }

    /// <summary>Which image channels feed the model (Cellpose's cytoplasm, nucleus); null: the card's.</summary>
    public ChannelSelection? Channels { get; init; }

    /// <summary>Average each tile with its flipped versions (4 network passes; slower, a little more accurate).</summary>
    public bool FlipAugmentation { get; init; }

    /// <summary>
    /// Cellpose with a size model: check each estimate with the median diameter of the masks it gives and segment again
    /// there when the two differ by more than 10%. Null: the card's choice (<see cref="SegKit.Onnx.SizeModelParameters.Refine"/>).
    /// </summary>
    public bool? RefineDiameter { get; init; }

    /// <summary>Tiles per network call; null: <see cref="CellposeBatchSize"/> or <see cref="UNetBatchSize"/>.</summary>
    public int? BatchSize
    {
        get;
        init => field = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "BatchSize must be at least 1 (or null)");
    }

    /// <summary>Side of the tiles the network runs on; null: the card's (the size the network was made for).</summary>
    public int? TileSize
    {
        get;
        init => field = value is null or >= 8 ? value : throw new ArgumentOutOfRangeException(nameof(TileSize), value, "TileSize must be at least 8 pixels (or null)");
    }

    /// <summary>
    /// Cellpose's flows-to-masks settings (Cellpose v3's defaults). Its <see cref="DynamicsOptions.MinSize"/> also
    /// drops a U-Net's small objects. Its <see cref="DynamicsOptions.FlowThreshold"/> applies to models whose card sets
    /// none: set <see cref="FlowThreshold"/> to replace a card's.
    /// </summary>
    public DynamicsOptions Dynamics { get; init; } = DynamicsOptions.Default;

    /// <summary>
    /// Cellpose: the flow-error limit above which a mask is dropped (0 keeps all). Null: the card's
    /// (<see cref="SegKit.Onnx.ModelCard.FlowThreshold"/>), else <see cref="Dynamics"/>'s.
    /// </summary>
    public double? FlowThreshold
    {
        get;
        init => field = value is null || (value >= 0 && !double.IsNaN(value.Value))
            ? value
            : throw new ArgumentOutOfRangeException(nameof(FlowThreshold), value, "FlowThreshold must be 0 or more (or null)");
    }

    /// <summary>U-Net: how the class map becomes objects.</summary>
    public InstanceMode Instances { get; init; } = InstanceMode.ConnectedComponents;

    /// <summary>U-Net: the class whose regions are the objects.</summary>
    public int ForegroundClass { get; init; } = 1;

    /// <summary>U-Net: the boundary class for <see cref="InstanceMode.BoundaryWatershed"/>; null when the model has none.</summary>
    public int? BoundaryClass { get; init; }

    /// <summary>SegKit's defaults: everything from the card, diameter estimated per image.</summary>
    public static SegmentOptions Default { get; } = new();
}

using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Inference;
using SegKit.Onnx;

namespace SegKit.ML;

/// <summary>
/// How <see cref="SegKitCatalog.SegmentCells"/> applies a model. What the model card fixes (kind, input channels, percentiles,
/// tile size, training diameter) comes from the card; a setting given here that contradicts the card is refused.
/// </summary>
public sealed record SegmentCellsOptions
{
    /// <summary>Cellpose: which image channels are cytoplasm and nucleus (default gray, no nucleus).</summary>
    public ChannelSelection? Channels { get; init; }

    /// <summary>Cellpose: the objects' diameter in the images; null estimates it per image or runs at the model's scale (see <see cref="EstimateDiameter"/>).</summary>
    public double? Diameter { get; init; }

    /// <summary>
    /// Cellpose without <see cref="Diameter"/>: estimate each image's diameter from a first pass, as segkit does (the
    /// default, <see cref="SegmentOptions"/>'); false runs at the model's own diameter.
    /// </summary>
    public bool EstimateDiameter { get; init; } = SegmentOptions.Default.EstimateDiameter;

    /// <summary>Null: the card's tile size. A different value is refused (the network was made for the card's).</summary>
    public int? TileSize { get; init; }

    /// <summary>Null: the card's. A different value is refused.</summary>
    public double? LowPercentile { get; init; }

    /// <summary>Null: the card's. A different value is refused.</summary>
    public double? HighPercentile { get; init; }

    /// <summary>Tiles per network call; null: SegKit's default for the model's kind (<see cref="SegmentOptions.BatchSize"/>).</summary>
    public int? BatchSize { get; init; }

    /// <summary>ML.NET's GPU selection: a CUDA device id, or null for the CPU.</summary>
    public int? GpuDeviceId { get; init; }

    /// <summary>With <see cref="GpuDeviceId"/>: run on the CPU when CUDA cannot be used, instead of failing.</summary>
    public bool FallbackToCpu { get; init; }

    /// <summary>
    /// Cellpose flows-to-masks settings (Cellpose v3's defaults); their flow threshold applies to models whose card sets
    /// none (see <see cref="FlowThreshold"/>).
    /// </summary>
    public DynamicsOptions Dynamics { get; init; } = SegmentOptions.Default.Dynamics;

    /// <summary>Cellpose: the flow-error limit; null: the card's, else <see cref="Dynamics"/>'s (<see cref="SegmentOptions.FlowThreshold"/>).</summary>
    public double? FlowThreshold { get; init; }

    /// <summary>U-Net: how the class map becomes objects.</summary>
    public InstanceMode Instances { get; init; } = InstanceMode.ConnectedComponents;

    /// <summary>U-Net: the foreground class (default 1).</summary>
    public int ForegroundClass { get; init; } = 1;

    /// <summary>U-Net: the boundary class for <see cref="InstanceMode.BoundaryWatershed"/>.</summary>
    public int? BoundaryClass { get; init; }

    /// <summary>U-Net: objects smaller than this many pixels are dropped (Cellpose uses <see cref="DynamicsOptions.MinSize"/>).</summary>
    public int MinSize { get; init; } = SegmentOptions.Default.Dynamics.MinSize;

    /// <summary>
    /// These options as SegKit.Inference's, for <see cref="SegmentationModel.CreateSegmenter"/>: percentiles are the card's
    /// (checked separately), and a U-Net's minimum size travels in the dynamics settings, as every other front door has it.
    /// </summary>
    public SegmentOptions ToSegmentOptions(SegmentationModelKind kind) => new()
    {
        Diameter = Diameter,
        EstimateDiameter = EstimateDiameter,
        Channels = Channels,
        BatchSize = BatchSize,
        TileSize = TileSize,
        Dynamics = kind == SegmentationModelKind.UNet ? Dynamics with { MinSize = MinSize } : Dynamics,
        FlowThreshold = FlowThreshold,
        Instances = Instances,
        ForegroundClass = ForegroundClass,
        BoundaryClass = BoundaryClass,
    };
}

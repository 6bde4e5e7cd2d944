using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Inference;

namespace SegKit.Distributed;

/// <summary>
/// How every image of a job is segmented: the manifest's "settings", sent to the silos with each work item. Defaults
/// are segkit segment's, so a manifest without settings gives the masks segkit segment gives.
/// </summary>
[GenerateSerializer]
[Alias("SegKit.Distributed.JobSettings")]
public sealed record JobSettings
{
    /// <summary>Object diameter in pixels; null estimates it per image (the card's size model, else a first pass).</summary>
    [Id(0)]
    public double? Diameter { get; init; }

    /// <summary>Null: the model card's flow threshold, else Cellpose's 0.4.</summary>
    [Id(1)]
    public double? FlowThreshold { get; init; }

    [Id(2)]
    public float CellprobThreshold { get; init; } = DynamicsOptions.Default.CellprobThreshold;

    [Id(3)]
    public int MinSize { get; init; } = DynamicsOptions.Default.MinSize;

    /// <summary>Cellpose's channel numbers (0 gray/none, 1 red, 2 green, 3 blue, 4 haematoxylin); null: the model card's.</summary>
    [Id(4)]
    public int? CytoplasmChannel { get; init; }

    [Id(5)]
    public int? NucleusChannel { get; init; }

    /// <summary>The settings as the segmenter's options (the same mapping segkit segment's options go through).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value out of range.</exception>
    public SegmentOptions ToSegmentOptions() => new()
    {
        Diameter = Diameter,
        EstimateDiameter = true,
        Channels = CytoplasmChannel is int c ? ChannelSelection.FromCellpose(c, NucleusChannel ?? 0) : null,
        Dynamics = new DynamicsOptions { CellprobThreshold = CellprobThreshold, MinSize = MinSize },
        FlowThreshold = FlowThreshold,
    };
}

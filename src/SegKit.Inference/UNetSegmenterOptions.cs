namespace SegKit.Inference;

/// <summary>How a U-Net is applied: classes, which class is the objects, how instances are formed.</summary>
public sealed record UNetSegmenterOptions
{
    /// <summary>Output channels (class logits; 1 means a single sigmoid foreground logit).</summary>
    public int Classes { get; init; } = 2;

    public int ForegroundClass { get; init; } = 1;

    /// <summary>The boundary class for <see cref="InstanceMode.BoundaryWatershed"/>; null when the model has none.</summary>
    public int? BoundaryClass { get; init; }

    public InstanceMode Instances { get; init; } = InstanceMode.ConnectedComponents;

    public int TileSize { get; init; } = 256;

    public int BatchSize { get; init; } = 4;

    /// <summary>Objects smaller than this many pixels are dropped.</summary>
    public int MinSize { get; init; } = 15;
}

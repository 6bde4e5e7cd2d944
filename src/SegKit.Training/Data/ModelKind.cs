namespace SegKit.Training.Data;

/// <summary>The two model families: flow-based instance segmentation, or per-pixel classes.</summary>
public enum ModelKind
{
    Cellpose,
    UNet,
}

namespace SegKit.Core.Images;

/// <summary>Which output channels hold the Y and X components of a flow field, so flips can correct their signs.</summary>
public sealed record FlowChannels(int Y, int X)
{
    /// <summary>Cellpose's output layout: [dY, dX, cell probability].</summary>
    public static FlowChannels Cellpose { get; } = new(0, 1);
}

namespace SegKit.Service;

/// <summary>The post-processing settings a result was made with (Cellpose's; a U-Net uses only <see cref="MinSize"/>).</summary>
public sealed record SegmentSettings(double FlowThreshold, double CellprobThreshold, int MinSize);

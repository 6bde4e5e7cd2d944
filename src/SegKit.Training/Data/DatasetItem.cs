using SegKit.Core.Flows;
using SegKit.Core.Images;

namespace SegKit.Training.Data;

/// <summary>
/// One training image, ready for sampling: normalised input channels, instance labels, unit flows (Cellpose; null
/// for U-Net) computed once, and the median object diameter (null when the mask is empty).
/// </summary>
public sealed record DatasetItem(string Name, Image Image, LabelImage Labels, FlowField? Flows, double? Diameter);

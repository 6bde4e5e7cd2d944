using SegKit.Core.Flows;
using SegKit.Core.Images;

namespace SegKit.Inference;

/// <summary>A segmented image: labels, the network's flows and cell probability (Cellpose; null for U-Net), and per-object measurements.</summary>
public sealed record SegmentationResult(LabelImage Labels, FlowField? Flows, float[]? Probability, IReadOnlyList<ObjectMeasurement> Objects);

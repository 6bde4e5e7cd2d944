using SegKit.Core.Flows;
using SegKit.Core.Images;

namespace SegKit.Inference;

/// <summary>
/// A segmented image: labels, the network's flows (Cellpose; null for U-Net), a probability per pixel (Cellpose: the
/// cell-probability logit; U-Net: the foreground class's probability; null for the classical baseline), and per-object
/// measurements.
/// </summary>
public sealed record SegmentationResult(LabelImage Labels, FlowField? Flows, float[]? Probability, IReadOnlyList<ObjectMeasurement> Objects)
{
    /// <summary>U-Net: the most probable class per pixel (row-major), from the same network pass as the labels; null otherwise.</summary>
    public int[]? ClassMap { get; init; }

    /// <summary>
    /// Cellpose: the object diameter, in the image's pixels, the network was run for (given, estimated, or the model's
    /// own when the image was not rescaled); null otherwise.
    /// </summary>
    public double? Diameter { get; init; }
}

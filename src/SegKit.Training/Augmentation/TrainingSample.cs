using SegKit.Core.Flows;
using SegKit.Core.Images;

namespace SegKit.Training.Augmentation;

/// <summary>One image with its targets: labels and, for Cellpose, their unit flows (null for U-Net).</summary>
public sealed record TrainingSample(Image Image, LabelImage Labels, FlowField? Flows);

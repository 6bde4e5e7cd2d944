using SegKit.Core.Images;

namespace SegKit.Core.Blocks;

/// <summary>What a block-wise segmentation found: the objects (labels 1..N, in the image's coordinates) and what could not be read or segmented.</summary>
public sealed record BlockSegmentationResult(int ObjectCount, IReadOnlyList<ObjectMeasurement> Objects, IReadOnlyList<string> Problems);

using SegKit.Core.Images;

namespace SegKit.Core.Dynamics;

/// <summary>
/// What <see cref="MaskReconstruction"/> produced at each stage: the final masks, the number of masks before the
/// flow-error check (labels 1..N from the seeds, big masks already dropped) and those masks' flow errors (element
/// k-1 for label k; empty when the check did not run).
/// </summary>
internal sealed record ReconstructionStages(LabelImage Masks, int CountBeforeCheck, double[] FlowErrors);

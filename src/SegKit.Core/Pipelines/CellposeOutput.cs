using SegKit.Core.Flows;
using SegKit.Core.Images;

namespace SegKit.Core.Pipelines;

/// <summary>
/// What a Cellpose network run gives, at the image's own size: masks, the network's flows (5x unit flows, vectors
/// scaled back with the image) and the cell-probability logits. At the network's own scale the flows are a view of the
/// prediction's output, not a copy: read them, or copy before changing them.
/// </summary>
public sealed record CellposeOutput(LabelImage Masks, FlowField Flows, float[] CellProbability);

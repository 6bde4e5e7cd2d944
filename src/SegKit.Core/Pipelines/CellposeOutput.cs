using SegKit.Core.Flows;
using SegKit.Core.Images;

namespace SegKit.Core.Pipelines;

/// <summary>
/// What a Cellpose network run gives, at the image's own size: masks, the network's flows (5x unit flows, vectors
/// scaled back with the image) and the cell-probability logits. The flows are a view, not a copy: of the prediction's
/// output at the network's own scale, else of the planes resampled to the image's size. Read them, or copy before
/// changing them.
/// </summary>
public sealed record CellposeOutput(LabelImage Masks, FlowField Flows, float[] CellProbability);

using SegKit.Core.Images;

namespace SegKit.Core.Pipelines;

/// <summary>
/// Estimates the objects' diameter in an image without segmenting it (Cellpose's size model: a regression on the
/// network's style vector), so that estimating the diameter costs a fraction of a pass instead of a whole one.
/// </summary>
public interface IDiameterEstimator
{
    /// <summary>The objects' diameter in pixels in <paramref name="input"/> (normalised, at its own scale); null when it cannot tell.</summary>
    double? Estimate(Image input);
}

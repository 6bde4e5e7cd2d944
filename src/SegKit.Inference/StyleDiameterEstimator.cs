using SegKit.Core.Images;
using SegKit.Core.Pipelines;
using SegKit.Onnx;

namespace SegKit.Inference;

/// <summary>Cellpose's size model at inference: the image's style (<see cref="OnnxStyleNetwork.ImageStyle"/>) through the card's regression.</summary>
public sealed class StyleDiameterEstimator(OnnxStyleNetwork network, SizeModelParameters sizeModel, double modelDiameter, int tileSize) : IDiameterEstimator
{
    /// <summary>
    /// The smallest estimate, as in Cellpose's size model (np.maximum(5., szest)): it also bounds how far an image is
    /// upscaled when its style says its objects are tiny (e.g. an image of noise), 3.4x for a model of 17 px.
    /// </summary>
    public const double MinimumDiameter = 5;

    public double? Estimate(Image input)
    {
        ArgumentNullException.ThrowIfNull(input);
        double d = sizeModel.Estimate(network.ImageStyle(input, tileSize), modelDiameter);
        return d > 0 && double.IsFinite(d) ? Math.Max(MinimumDiameter, d) : null;
    }
}

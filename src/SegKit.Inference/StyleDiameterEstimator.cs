using SegKit.Core.Images;
using SegKit.Core.Pipelines;
using SegKit.Onnx;

namespace SegKit.Inference;

/// <summary>Cellpose's size model at inference: the image's style (<see cref="OnnxStyleNetwork.ImageStyle"/>) through the card's regression.</summary>
public sealed class StyleDiameterEstimator(OnnxStyleNetwork network, SizeModelParameters sizeModel, double modelDiameter, int tileSize) : IDiameterEstimator
{
    public double? Estimate(Image input)
    {
        ArgumentNullException.ThrowIfNull(input);
        double d = sizeModel.Estimate(network.ImageStyle(input, tileSize), modelDiameter);
        return d > 0 && double.IsFinite(d) ? d : null;
    }
}

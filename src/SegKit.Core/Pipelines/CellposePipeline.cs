using System.Globalization;
using SegKit.Core.Dynamics;
using SegKit.Core.Flows;
using SegKit.Core.Images;
using SegKit.Core.Tiling;
using SegKit.Core.Transforms;

namespace SegKit.Core.Pipelines;

/// <summary>
/// Cellpose's inference around any network: estimate the objects' diameter when asked (in one cheap pass with a size
/// model, else from the masks of a first pass), rescale the (normalised) input to
/// the model's diameter, run overlapping tiles, blend them, follow the flows at that scale, and bring masks (nearest),
/// flows and probability back to the image's size. The network is anything that maps [N, C, T, T] tiles to [N, 3, T, T] (dY, dX, cell-probability logit):
/// ONNX Runtime for inference, TorchSharp during training.
/// </summary>
public static class CellposePipeline
{
    public static CellposeOutput Run(Image input, ITileNetwork network, CellposeSettings? settings = null)
    {
        settings ??= new CellposeSettings();
        return Masks(Predict(input, network, settings), settings.Dynamics);
    }

    /// <summary>
    /// Everything <see cref="Run"/> does up to the dynamics: the diameter estimate, the rescale and the blended
    /// network output at the network's scale.
    /// </summary>
    public static CellposePrediction Predict(Image input, ITileNetwork network, CellposeSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(network);
        settings ??= new CellposeSettings();
        if (network.OutputChannels != 3)
        {
            throw new ArgumentException($"a Cellpose network outputs 3 channels (dY, dX, cell probability), this one {network.OutputChannels}", nameof(network));
        }

        if (settings.Diameter is double d && !(d > 0 && double.IsFinite(d)))
        {
            throw new ArgumentOutOfRangeException(nameof(settings), d, "Diameter must be a positive number of pixels (or null for no rescaling)");
        }

        if (settings.Diameter is null && settings.EstimateDiameter && settings.DiameterEstimator is { } estimator)
        {
            double? estimate = estimator.Estimate(input);
            bool close = estimate is not double e || !(e > 0 && double.IsFinite(e)) || Math.Abs((e / settings.ModelDiameter) - 1) <= settings.EstimateTolerance;
            CellposePrediction atEstimate = PredictAtDiameter(input, network, settings, close ? null : estimate);
            if (settings.RefineDiameter && Labels(atEstimate, settings.Dynamics).MedianDiameter() is double measured
                && Math.Abs((measured / (atEstimate.Diameter ?? settings.ModelDiameter)) - 1) > settings.EstimateTolerance)
            {
                return PredictAtDiameter(input, network, settings, measured);
            }

            return atEstimate;
        }

        CellposePrediction prediction = PredictAtDiameter(input, network, settings, settings.Diameter);
        if (settings.Diameter is null && settings.EstimateDiameter && Labels(prediction, settings.Dynamics).MedianDiameter() is double estimated)
        {
            prediction = PredictAtDiameter(input, network, settings, estimated);
        }

        return prediction;
    }

    /// <summary>
    /// Cellpose's dynamics on a network pass: flows followed at the network's scale, where flows and object sizes are
    /// what the model learnt; masks (nearest), flows and probability then brought back to the image's size, as
    /// Cellpose does. The prediction is not changed, so it can be turned into masks again with other settings.
    /// </summary>
    public static CellposeOutput Masks(CellposePrediction prediction, DynamicsOptions dynamics)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(dynamics);
        Image output = prediction.NetworkOutput;

        // The dynamics read the network output in place, and the result's flows are a view of it (read-only by
        // contract: the prediction stays reusable). Only the probability is copied (it must be an array of its own),
        // after the dynamics, so its 4 bytes per pixel never meet the dynamics' scratch planes.
        LabelImage masks = NetworkScaleMasks(prediction, dynamics);
        if (!prediction.Rescaled)
        {
            return new CellposeOutput(masks, FlowField.ViewOf(output.Height, output.Width, output.Buffer), output.Plane(2).ToArray());
        }

        int h = prediction.Height;
        int w = prediction.Width;
        Image back = Resampling.Flows(output, h, w);
        return new CellposeOutput(Resampling.Nearest(masks, h, w), FlowField.ViewOf(h, w, back.Buffer), back.Plane(2).ToArray());
    }

    /// <summary>
    /// The masks of <see cref="Masks"/> alone, at the image's size: for callers that do not keep the flows and
    /// probability, which are then neither resampled nor copied (12 bytes per pixel of the image when rescaled).
    /// </summary>
    public static LabelImage Labels(CellposePrediction prediction, DynamicsOptions dynamics)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(dynamics);
        LabelImage masks = NetworkScaleMasks(prediction, dynamics);
        return prediction.Rescaled ? Resampling.Nearest(masks, prediction.Height, prediction.Width) : masks;
    }

    /// <summary>
    /// The input resampled (bilinear, as Cellpose) so that objects of <paramref name="diameter"/> pixels become
    /// <paramref name="modelDiameter"/> pixels; the input itself when no diameter is given or the size does not change.
    /// </summary>
    public static Image Rescale(Image input, double modelDiameter, double? diameter)
    {
        ArgumentNullException.ThrowIfNull(input);
        (int sh, int sw) = ScaledSize(input.Height, input.Width, modelDiameter, diameter);
        return sh != input.Height || sw != input.Width ? Resampling.Bilinear(input, sh, sw) : input;
    }

    /// <summary>The size an image of <paramref name="height"/> x <paramref name="width"/> is rescaled to (see <see cref="Rescale"/>).</summary>
    /// <exception cref="InvalidImageException">At that diameter the network's output (three planes) would not fit in one array.</exception>
    public static (int Height, int Width) ScaledSize(int height, int width, double modelDiameter, double? diameter)
    {
        double scale = diameter is double d ? Resampling.ScaleForDiameter(modelDiameter, d) : 1.0;
        double sh = Math.Max(1, Math.Round(height * scale));
        double sw = Math.Max(1, Math.Round(width * scale));

        // A tiny diameter on a large image asks for more pixels than .NET can hold: say so rather than fail deep in an allocation.
        if (sh * sw * 3 > Array.MaxLength)
        {
            throw new InvalidImageException(string.Create(CultureInfo.InvariantCulture,
                $"at an object diameter of {diameter:G4} px the {height} x {width} image would be resampled {scale:0.##}x to {sh:0} x {sw:0} pixels for a model of {modelDiameter:0.#} px, more than one image can hold; give the objects' real diameter"));
        }

        return ((int)sh, (int)sw);
    }

    private static LabelImage NetworkScaleMasks(CellposePrediction prediction, DynamicsOptions dynamics)
    {
        Image output = prediction.NetworkOutput;
        int plane = output.Height * output.Width;
        return MaskReconstruction.Run(FlowField.ViewOf(output.Height, output.Width, output.Buffer), output.Buffer, 2 * plane, dynamics).Masks;
    }

    private static CellposePrediction PredictAtDiameter(Image input, ITileNetwork network, CellposeSettings settings, double? diameter)
    {
        Image scaled = Rescale(input, settings.ModelDiameter, diameter);
        var tiling = new TilingOptions
        {
            TileSize = settings.TileSize,
            Overlap = settings.TileOverlap,
            Padding = settings.TilePadding,
            BatchSize = settings.BatchSize,
            FlipAugmentation = settings.FlipAugmentation,
            Flows = FlowChannels.Cellpose,
        };
        Image output = TiledPrediction.Run(scaled, network, tiling);
        return new CellposePrediction(input.Height, input.Width, output, diameter);
    }
}

using SegKit.Core.Dynamics;
using SegKit.Core.Flows;
using SegKit.Core.Images;
using SegKit.Core.Pipelines;
using SegKit.Core.Tiling;
using SegKit.Core.Transforms;

namespace SegKit.Inference;

/// <summary>
/// Cellpose-style instance segmentation with a network: channel selection, normalize99, then Core's
/// <see cref="CellposePipeline"/> (diameter estimate, rescale to the model diameter, tiles in batches, taper blending,
/// optional flip averaging, dynamics). Thread-safe when the network is (ONNX Runtime sessions are).
/// </summary>
public sealed class CellposeSegmenter(ITileNetwork network, CellposeSegmenterOptions? options = null)
{
    public CellposeSegmenterOptions Options { get; } = options ?? new CellposeSegmenterOptions();

    public SegmentationResult Segment(Image image) => Masks(Predict(image), image);

    /// <summary>The network's pass over the image (normalised, diameter estimated, rescaled, tiled, blended), before dynamics.</summary>
    public CellposePrediction Predict(Image image) => Predict(Input(image));

    /// <summary>The image's channels as the network reads them: selected, normalised, inverted for a bright background.</summary>
    public CellposeInput Input(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Image input;
        if (Options.Intensity is { } scale)
        {
            input = scale.Apply(image.SelectChannels(Options.Channels));
        }
        else
        {
            // The selection is a new image: normalised in place rather than copied once more. Without a nucleus
            // channel the second plane is zeros, which normalise to zeros: left alone, its pages are never touched.
            input = image.SelectChannels(Options.Channels);
            int selected = Options.Channels.Nucleus == ImageChannel.None ? 1 : input.Channels;
            for (int c = 0; c < selected; c++)
            {
                Normalization.NormalizeInPlace(input.Plane(c), Options.LowPercentile, Options.HighPercentile);
            }

            if (Options.InvertBrightBackground)
            {
                Normalization.InvertIfBrightBackground(input, image);
            }
        }

        return new CellposeInput(input);
    }

    /// <summary>The network's pass over a prepared input (diameter estimated, rescaled, tiled, blended), before dynamics.</summary>
    public CellposePrediction Predict(CellposeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var settings = new CellposeSettings
        {
            ModelDiameter = Options.ModelDiameter,
            Diameter = Options.Diameter,
            EstimateDiameter = Options.EstimateDiameter,
            DiameterEstimator = Options.DiameterEstimator,
            RefineDiameter = Options.RefineDiameter,
            TileSize = Options.TileSize,
            TilePadding = Options.TilePadding,
            BatchSize = Options.BatchSize,
            FlipAugmentation = Options.FlipAugmentation,
            Dynamics = Options.Dynamics,
        };
        return CellposePipeline.Predict(input.Planes, network, settings);
    }

    /// <summary>
    /// Masks, flows, probability and measurements from a network pass of <paramref name="image"/>, with these
    /// dynamics settings (default: the options'): the same result <see cref="Segment"/> gives with them.
    /// </summary>
    public SegmentationResult Masks(CellposePrediction prediction, Image image, DynamicsOptions? dynamics = null)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(image);
        CheckSize(prediction, image.Height, image.Width);
        CellposeOutput output = CellposePipeline.Masks(prediction, dynamics ?? Options.Dynamics);
        return Result(prediction, output.Masks, output.Flows, output.CellProbability, ObjectMeasurement.Measure(output.Masks, image));
    }

    /// <summary>
    /// As <see cref="Masks(CellposePrediction, Image, DynamicsOptions?)"/> for a packed image, measured without
    /// unpacking it. Without <paramref name="withFlows"/> the result's flows and probability are null, and nothing is
    /// resampled or copied for them.
    /// </summary>
    public SegmentationResult Masks(CellposePrediction prediction, PackedImage image, DynamicsOptions? dynamics = null, bool withFlows = true)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(image);
        CheckSize(prediction, image.Height, image.Width);
        if (withFlows)
        {
            CellposeOutput output = CellposePipeline.Masks(prediction, dynamics ?? Options.Dynamics);
            return Result(prediction, output.Masks, output.Flows, output.CellProbability, ObjectMeasurement.Measure(output.Masks, image));
        }

        LabelImage labels = CellposePipeline.Labels(prediction, dynamics ?? Options.Dynamics);
        return Result(prediction, labels, null, null, ObjectMeasurement.Measure(labels, image));
    }

    private static void CheckSize(CellposePrediction prediction, int height, int width)
    {
        if (prediction.Height != height || prediction.Width != width)
        {
            throw new ArgumentException($"the prediction is for a {prediction.Width}x{prediction.Height} image, not this {width}x{height} one", nameof(prediction));
        }
    }

    private SegmentationResult Result(CellposePrediction prediction, LabelImage labels, FlowField? flows, float[]? probability, IReadOnlyList<ObjectMeasurement> objects) =>
        new(labels, flows, probability, objects)
        {
            Diameter = prediction.Diameter ?? Options.ModelDiameter,
        };
}

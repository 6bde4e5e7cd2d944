using SegKit.Core.Dynamics;
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
    public CellposePrediction Predict(Image image)
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
                Normalization.NormalizeInPlace(input.Plane(c));
            }

            if (Options.InvertBrightBackground)
            {
                Normalization.InvertIfBrightBackground(input, image);
            }
        }

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
        return CellposePipeline.Predict(input, network, settings);
    }

    /// <summary>
    /// Masks, flows, probability and measurements from a network pass of <paramref name="image"/>, with these
    /// dynamics settings (default: the options'): the same result <see cref="Segment"/> gives with them.
    /// </summary>
    public SegmentationResult Masks(CellposePrediction prediction, Image image, DynamicsOptions? dynamics = null)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(image);
        if (prediction.Height != image.Height || prediction.Width != image.Width)
        {
            throw new ArgumentException($"the prediction is for a {prediction.Width}x{prediction.Height} image, not this {image.Width}x{image.Height} one", nameof(prediction));
        }

        CellposeOutput output = CellposePipeline.Masks(prediction, dynamics ?? Options.Dynamics);
        return new SegmentationResult(output.Masks, output.Flows, output.CellProbability, ObjectMeasurement.Measure(output.Masks, image))
        {
            Diameter = prediction.Diameter ?? Options.ModelDiameter,
        };
    }
}

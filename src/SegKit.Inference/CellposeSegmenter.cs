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

    public SegmentationResult Segment(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Image input = Normalization.Normalize99(image.SelectChannels(Options.Channels));
        if (Options.InvertBrightBackground)
        {
            Normalization.InvertIfBrightBackground(input, image);
        }

        var settings = new CellposeSettings
        {
            ModelDiameter = Options.ModelDiameter,
            Diameter = Options.Diameter,
            EstimateDiameter = Options.EstimateDiameter,
            DiameterEstimator = Options.DiameterEstimator,
            TileSize = Options.TileSize,
            TilePadding = Options.TilePadding,
            BatchSize = Options.BatchSize,
            FlipAugmentation = Options.FlipAugmentation,
            Dynamics = Options.Dynamics,
        };
        CellposeOutput output = CellposePipeline.Run(input, network, settings);

        return new SegmentationResult(output.Masks, output.Flows, output.CellProbability, ObjectMeasurement.Measure(output.Masks, image));
    }
}

using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Core.Pipelines;
using SegKit.Core.Transforms;
using SegKit.Core.Tiling;
using SegKit.Onnx;

namespace SegKit.Inference;

/// <summary>
/// A model card and <see cref="SegmentOptions"/> made into a segmenter: the one place where a card's settings (kind,
/// channels, diameter, bright-background inversion, tile size, halo) and SegKit's defaults become a
/// <see cref="CellposeSegmenter"/> or a <see cref="UNetSegmenter"/>. Every front door calls this, so they all measure the
/// same pipeline. Thread-safe when the network is (ONNX Runtime sessions are).
/// </summary>
public sealed class ModelSegmenter
{
    private readonly CellposeSegmenter? _cellpose;
    private readonly UNetSegmenter? _unet;

    private ModelSegmenter(ModelCard card, SegmentOptions options, ChannelSelection channels, CellposeSegmenter? cellpose, UNetSegmenter? unet)
    {
        Card = card;
        Options = options;
        Channels = channels;
        _cellpose = cellpose;
        _unet = unet;
    }

    public ModelCard Card { get; }

    /// <summary>The options as given (nulls mean the card's).</summary>
    public SegmentOptions Options { get; }

    /// <summary>The image channels that feed the model: the options' or the card's.</summary>
    public ChannelSelection Channels { get; }

    /// <summary>The resolved Cellpose settings; null for a U-Net. For pipelines that run the same steps themselves (SegKit.ML).</summary>
    public CellposeSegmenterOptions? CellposeOptions => _cellpose?.Options;

    /// <summary>The resolved U-Net settings; null for a Cellpose model.</summary>
    public UNetSegmenterOptions? UNetOptions => _unet?.Options;

    /// <param name="network">The model's network (an <see cref="OnnxTileNetwork"/> over its session, or any equivalent).</param>
    /// <param name="style">The network's encoder, for the card's size model: with both, the diameter is estimated in one pass.</param>
    /// <exception cref="ArgumentException">An option that cannot apply to this model (a tile size its halo leaves no output in).</exception>
    public static ModelSegmenter Create(ITileNetwork network, ModelCard card, SegmentOptions? options = null, OnnxStyleNetwork? style = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(card);
        options ??= SegmentOptions.Default;
        ChannelSelection channels = options.Channels ?? ModelChannels.Selection(card);
        int tileSize = options.TileSize ?? card.TileSize;
        if (card.Kind == SegmentationModelKind.Cellpose)
        {
            double modelDiameter = card.Diameter ?? throw new ArgumentException("a Cellpose model card without a diameter", nameof(card));
            var cellpose = new CellposeSegmenter(network, new CellposeSegmenterOptions
            {
                Channels = channels,
                InvertBrightBackground = card.InvertBrightBackground,
                LowPercentile = card.LowPercentile,
                HighPercentile = card.HighPercentile,
                ModelDiameter = modelDiameter,
                Diameter = options.Diameter,
                Intensity = options.Intensity,
                EstimateDiameter = options.EstimateDiameter,
                DiameterEstimator = style is not null && card.SizeModel is { } size && options.EstimateDiameter && options.Diameter is null
                    ? new StyleDiameterEstimator(style, size, modelDiameter, tileSize)
                    : null,
                RefineDiameter = options.RefineDiameter ?? card.SizeModel?.Refine == true,
                TileSize = tileSize,
                TilePadding = card.CellposeTilePadding ? TilePadding.Cellpose : TilePadding.Mirror,
                BatchSize = options.BatchSize ?? SegmentOptions.CellposeBatchSize,
                FlipAugmentation = options.FlipAugmentation,
                Dynamics = ResolveDynamics(card, options),
            });
            return new ModelSegmenter(card, options, channels, cellpose, null);
        }

        var unet = new UNetSegmenter(network, new UNetSegmenterOptions
        {
            Classes = network.OutputChannels,
            Intensity = options.Intensity,
            ZeroMeanUnitVariance = card.ZeroMeanUnitVariance,
            NormalizeEpsilon = card.NormalizeEpsilon,
            ForegroundClass = options.ForegroundClass,
            BoundaryClass = options.BoundaryClass,
            Instances = options.Instances,
            TileSize = tileSize,
            Halo = card.Halo,
            BatchSize = options.BatchSize ?? SegmentOptions.UNetBatchSize,
            FlipAugmentation = options.FlipAugmentation,
            MinSize = options.Dynamics.MinSize,
            LowPercentile = card.LowPercentile,
            HighPercentile = card.HighPercentile,
        });
        return new ModelSegmenter(card, options, channels, null, unet);
    }

    /// <summary>
    /// The flows-to-masks settings <paramref name="options"/> give a model with <paramref name="card"/>: its
    /// <see cref="SegmentOptions.Dynamics"/>, with the flow threshold the options set, else the card's, else the
    /// dynamics' own. Every front door (and a re-thresholding of a kept prediction) goes through here.
    /// </summary>
    public static DynamicsOptions ResolveDynamics(ModelCard card, SegmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(options);
        return options.Dynamics with { FlowThreshold = options.FlowThreshold ?? card.FlowThreshold ?? options.Dynamics.FlowThreshold };
    }

    /// <summary>
    /// The normalisation this model would give <paramref name="image"/> (e.g. a thumbnail of a whole large image): the
    /// channels it reads, their percentile bounds and, for a model whose card asks for it, the bright-background
    /// inversion. Pass it as <see cref="SegmentOptions.Intensity"/> to give every block of that image the same.
    /// </summary>
    public IntensityScale MeasureIntensity(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (_unet is not null)
        {
            // The plane Segment gives the U-Net, which reads gray values.
            Image plane = UNetInput(image);
            Image gray = plane.Channels == 1 ? plane : plane.ToGray();
            return _unet.Options.ZeroMeanUnitVariance
                ? IntensityScale.ZeroMeanUnitVariance(gray, _unet.Options.NormalizeEpsilon)
                : IntensityScale.Measure(gray, _unet.Options.LowPercentile, _unet.Options.HighPercentile);
        }

        ModelChannels.Check(image, Channels, null);
        Image selected = image.SelectChannels(Channels);
        // The percentiles once: applied, the scale gives normalize99's image (for finite pixels), which the polarity test reads.
        IntensityScale scale = IntensityScale.Measure(selected, Card.LowPercentile, Card.HighPercentile);
        return Card.InvertBrightBackground && BackgroundPolarity.IsBright(scale.Apply(selected), image) ? scale with { Invert = true } : scale;
    }

    /// <summary>Whether the model is a Cellpose network, whose pass can be turned into masks again (<see cref="Predict(Image, string?)"/>).</summary>
    public bool CanRedoDynamics => _cellpose is not null;

    private CellposeSegmenter Cellpose =>
        _cellpose ?? throw new InvalidOperationException($"a {Card.Kind} model has no flows to run dynamics on; use Segment");

    /// <summary>
    /// Cellpose: the network's pass over one image, before dynamics, for
    /// <see cref="Masks(CellposePrediction, Image, DynamicsOptions)"/> to turn into masks with any thresholds without
    /// running the network again.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is a U-Net.</exception>
    /// <exception cref="SegKit.Core.InvalidImageException">The image lacks a channel the model reads.</exception>
    public CellposePrediction Predict(Image image, string? imageName = null) => Predict(Input(image, imageName));

    /// <summary>
    /// Cellpose: the image's channels as the network reads them (<see cref="Predict(CellposeInput)"/> runs the network
    /// on them); once made, the image is not needed until the measurements.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is a U-Net.</exception>
    /// <exception cref="SegKit.Core.InvalidImageException">The image lacks a channel the model reads.</exception>
    public CellposeInput Input(Image image, string? imageName = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ModelChannels.Check(image, Channels, imageName);
        return Cellpose.Input(image);
    }

    /// <summary>Cellpose: the network's pass over a prepared input, before dynamics.</summary>
    /// <exception cref="InvalidOperationException">The model is a U-Net.</exception>
    public CellposePrediction Predict(CellposeInput input)
    {
        return Cellpose.Predict(input);
    }

    /// <summary>
    /// Cellpose: the result of <paramref name="image"/>'s network pass with these dynamics settings, equal to what
    /// <see cref="Segment"/> gives with them.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is a U-Net.</exception>
    public SegmentationResult Masks(CellposePrediction prediction, Image image, DynamicsOptions dynamics)
    {
        return Cellpose.Masks(prediction, image, dynamics);
    }

    /// <summary>
    /// As <see cref="Masks(CellposePrediction, Image, DynamicsOptions)"/> for a packed image, measured without
    /// unpacking it: an 8-bit RGB image takes 3 bytes per pixel instead of 12 while the network output and the
    /// dynamics' scratch planes are alive. Without <paramref name="withFlows"/> the result's flows and probability are
    /// null, and nothing is resampled or copied for them.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is a U-Net.</exception>
    public SegmentationResult Masks(CellposePrediction prediction, PackedImage image, DynamicsOptions dynamics, bool withFlows = true)
    {
        return Cellpose.Masks(prediction, image, dynamics, withFlows);
    }

    /// <summary>
    /// Segments one image; an image that lacks a channel the model reads is refused first, naming
    /// <paramref name="imageName"/>.
    /// </summary>
    /// <exception cref="SegKit.Core.InvalidImageException">The image lacks a channel the model reads.</exception>
    public SegmentationResult Segment(Image image, string? imageName = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ModelChannels.Check(image, Channels, imageName);
        if (_cellpose is not null)
        {
            return _cellpose.Segment(image);
        }

        return _unet!.Segment(UNetInput(image));
    }

    /// <summary>A U-Net reads one plane: the selected channel, or the image's gray values (which it makes itself).</summary>
    private Image UNetInput(Image image) =>
        Channels.Cytoplasm == ImageChannel.Gray ? image : new Image(1, image.Height, image.Width, image.SelectChannels(Channels).Plane(0).ToArray());
}

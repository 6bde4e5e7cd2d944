using Microsoft.ML;
using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Core.Pipelines;
using SegKit.Core.Tiling;
using SegKit.Inference;
using SegKit.ML.Settings;
using SegKit.ML.Transforms;
using SegKit.Onnx;

namespace SegKit.ML;

/// <summary>
/// SegKit's steps on ML.NET's transforms catalog, each an estimator to chain with Append, and the whole chain from a model
/// card (<see cref="SegmentCells"/>). Every step is a CustomMapping with a versioned contract name, so a fitted pipeline
/// survives Model.Save/Load (call <see cref="Segmentation"/> or register this assembly on the loading context first). A step's
/// settings travel as a constant text column made by ML.NET's Expression transform, which Model.Save keeps.
/// </summary>
public static class SegKitCatalog
{
    private const string SettingsSource = Columns.ImageHeight;

    /// <summary>The fraction of a tile its neighbours share, as Core's tiling defaults (Cellpose's 0.1).</summary>
    private const double CellposeTileOverlap = 0.1;

    /// <summary>
    /// SegKit's evaluator, and registration of SegKit's transforms with this context (needed before Model.Load of a saved pipeline).
    /// </summary>
    public static SegmentationCatalog Segmentation(this MLContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Register(context);
        return new SegmentationCatalog(context);
    }

    /// <summary>Lets <paramref name="context"/> find SegKit's CustomMapping factories when it loads a saved pipeline.</summary>
    public static void Register(MLContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.ComponentCatalog.RegisterAssembly(typeof(SegKitCatalog).Assembly);
    }

    /// <summary>
    /// Reads microscopy images (PNG, TIFF, JPEG; 8, 16 or 32-bit; any channel count) from a text column of paths into
    /// <see cref="Columns.Image"/> and its size columns. A row whose file cannot be read gets an empty image and
    /// <see cref="Columns.ImageError"/> naming the file; the other rows are processed.
    /// </summary>
    public static IEstimator<ITransformer> LoadMicroscopyImages(this TransformsCatalog catalog, string inputColumnName = Columns.ImagePath)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        IEstimator<ITransformer> load = catalog.CustomMapping<ImagePathRow, LoadedImageRow>(LoadImageFactory.Map, LoadImageFactory.Contract);
        return inputColumnName == Columns.ImagePath ? load : catalog.CopyColumns(Columns.ImagePath, inputColumnName).Append(load);
    }

    /// <summary>
    /// Channel selection and Cellpose's percentile normalisation per channel (<paramref name="lowPercentile"/> to 0,
    /// <paramref name="highPercentile"/> to 1), from <see cref="Columns.Image"/> into <see cref="Columns.Normalized"/>.
    /// </summary>
    /// <param name="cellposeChannels">With <see cref="ChannelMapping.Cellpose"/>: cytoplasm and nucleus channels (default gray, none).</param>
    /// <param name="invertBrightBackground">Invert the first channel when the image's background is bright (brightfield,
    /// stained tissue), for models trained that way (their card says so).</param>
    public static IEstimator<ITransformer> NormalizePercentiles(this TransformsCatalog catalog, ChannelMapping channels = ChannelMapping.AsRead, ChannelSelection? cellposeChannels = null, double lowPercentile = 1, double highPercentile = 99, bool invertBrightBackground = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (!(lowPercentile >= 0 && lowPercentile < highPercentile && highPercentile <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(lowPercentile), $"percentiles must satisfy 0 <= low < high <= 100; got {lowPercentile} and {highPercentile}");
        }

        if (cellposeChannels is not null && channels != ChannelMapping.Cellpose)
        {
            throw new ArgumentException("cellposeChannels only applies with ChannelMapping.Cellpose", nameof(cellposeChannels));
        }

        var settings = new NormalizeSettings(channels, cellposeChannels ?? ChannelSelection.Gray, lowPercentile, highPercentile, invertBrightBackground);
        return WithSettings(catalog, Columns.NormalizeSettings, settings.ToText(), catalog.CustomMapping<NormalizeInputRow, NormalizedRow>(NormalizeFactory.Map, NormalizeFactory.Contract));
    }

    /// <summary>
    /// Cuts <see cref="Columns.Normalized"/> into overlapping <paramref name="tileSize"/> tiles (mirror-padded, Cellpose's plan),
    /// after rescaling by <paramref name="modelDiameter"/> / <paramref name="diameter"/> when a diameter is given. Writes
    /// <see cref="Columns.Tiles"/> ([tile count, C, T, T]) and <see cref="Columns.TileGrid"/>.
    /// </summary>
    public static IEstimator<ITransformer> TileImages(this TransformsCatalog catalog, int tileSize = TilePlan.DefaultTileSize, double overlap = 0.1, double modelDiameter = CellposeSettings.DefaultModelDiameter, double? diameter = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (tileSize is < 8 or > 8192)
        {
            throw new ArgumentOutOfRangeException(nameof(tileSize), tileSize, "tile size must be within 8..8192");
        }

        if (double.IsNaN(overlap) || overlap < 0 || overlap >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(overlap), overlap, "overlap is a fraction of the tile, within [0, 1)");
        }

        if (!(modelDiameter > 0) || (diameter is double d && !(d > 0 && double.IsFinite(d))))
        {
            throw new ArgumentOutOfRangeException(nameof(diameter), diameter, "diameters must be positive numbers of pixels");
        }

        var settings = new TileSettings(tileSize, overlap, modelDiameter, diameter);
        return WithSettings(catalog, Columns.TileSettings, settings.ToText(), catalog.CustomMapping<TileInputRow, TiledRow>(TileFactory.Map, TileFactory.Contract));
    }

    /// <summary>
    /// Runs a SegKit ONNX model (it must carry a model card) on <see cref="Columns.Tiles"/> into <see cref="Columns.TileOutputs"/>,
    /// <paramref name="batchSize"/> tiles per call. <paramref name="gpuDeviceId"/> and <paramref name="fallbackToCpu"/> mean what
    /// they mean for ApplyOnnxModel, except that the fallback really happens with the CPU package of ONNX Runtime.
    /// </summary>
    /// <exception cref="ModelLoadException">The model is missing, not ONNX, or has no SegKit card.</exception>
    public static IEstimator<ITransformer> ApplySegmentationNetwork(this TransformsCatalog catalog, string modelPath, int batchSize = 8, int? gpuDeviceId = null, bool fallbackToCpu = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var (card, outputChannels, path) = ReadCard(modelPath);
        return ApplyNetwork(catalog, path, card, outputChannels, batchSize, gpuDeviceId, fallbackToCpu);
    }

    /// <summary>Blends <see cref="Columns.TileOutputs"/> with Cellpose's taper window into <see cref="Columns.Blended"/>.</summary>
    public static IEstimator<ITransformer> BlendTiles(this TransformsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.CustomMapping<BlendInputRow, BlendedRow>(BlendFactory.Map, BlendFactory.Contract);
    }

    /// <summary>
    /// Cellpose flow dynamics: <see cref="Columns.Blended"/> (dY, dX, cell probability) to <see cref="Columns.Masks"/> at the
    /// image's own size, with <see cref="Columns.MaskHeight"/>, <see cref="Columns.MaskWidth"/> and <see cref="Columns.ObjectCount"/>.
    /// </summary>
    public static IEstimator<ITransformer> CellposeMasks(this TransformsCatalog catalog, DynamicsOptions? dynamics = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var settings = new CellposeMaskSettings(dynamics ?? DynamicsOptions.Default);
        return WithSettings(catalog, Columns.CellposeMaskSettings, settings.ToText(), catalog.CustomMapping<CellposeMaskInputRow, MasksRow>(CellposeMasksFactory.Map, CellposeMasksFactory.Contract));
    }

    /// <summary>
    /// A U-Net's blended logits (<see cref="Columns.Blended"/>) to objects in <see cref="Columns.Masks"/>: softmax, class map,
    /// connected components or boundary watershed, as <see cref="UNetSegmenter"/>.
    /// </summary>
    public static IEstimator<ITransformer> ClassMapInstances(this TransformsCatalog catalog, UNetSegmenterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        options ??= new UNetSegmenterOptions();
        if (options.Instances == InstanceMode.BoundaryWatershed && options.BoundaryClass is null)
        {
            throw new ArgumentException("BoundaryWatershed needs a BoundaryClass", nameof(options));
        }

        var settings = new ClassMapSettings(options);
        return WithSettings(catalog, Columns.ClassMapSettings, settings.ToText(), catalog.CustomMapping<ClassMapInputRow, MasksRow>(ClassMapInstancesFactory.Map, ClassMapInstancesFactory.Contract));
    }

    /// <summary>
    /// The whole chain for a SegKit model: load images from <paramref name="inputColumnName"/>, then segment them with the
    /// settings SegKit.Inference's one factory (<see cref="SegmentationModel.CreateSegmenter"/>) resolves from the card and
    /// <paramref name="options"/>. When one pass over the image is enough (a given diameter or none estimated; same padding)
    /// that is the chain of steps above (normalise, tile, network, blend, masks); otherwise (the diameter estimated per
    /// image, a valid-padding U-Net) one step runs the factory's segmenter itself. Either way the masks equal
    /// <c>segkit segment</c>'s for the same model and settings.
    /// </summary>
    /// <exception cref="ModelLoadException">The model is missing, not ONNX, or has no SegKit card.</exception>
    /// <exception cref="PipelineSettingsException">An option contradicts the model card.</exception>
    public static IEstimator<ITransformer> SegmentCells(this TransformsCatalog catalog, string modelPath, SegmentCellsOptions? options = null, string inputColumnName = Columns.ImagePath)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        options ??= new SegmentCellsOptions();
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        string path = Path.GetFullPath(modelPath);
        using var model = SegmentationModel.Load(path);
        ModelCard card = model.Card;
        CheckAgainstCard(card, options, path);
        ModelSegmenter segmenter = model.CreateSegmenter(options.ToSegmentOptions(card.Kind));
        IEstimator<ITransformer> chain = catalog.LoadMicroscopyImages(inputColumnName);
        if (new[] { segmenter.Channels.Cytoplasm, segmenter.Channels.Nucleus }.Any(c => c is ImageChannel.Red or ImageChannel.Green or ImageChannel.Blue))
        {
            // An image without a channel the model reads is a bad row (empty masks, an error naming the file), not the
            // end of the run.
            var check = new ChannelCheckSettings(segmenter.Channels);
            chain = chain.Append(WithSettings(catalog, Columns.ChannelCheckSettings, check.ToText(),
                catalog.CustomMapping<CheckChannelsInputRow, LoadedImageRow>(CheckChannelsFactory.Map, CheckChannelsFactory.Contract)));
        }

        if (segmenter.CellposeOptions is { } cellpose)
        {
            // The chain's tiling step mirrors the image; a model imported from Cellpose pads with zeros as Cellpose
            // does, which only the segmenter knows: such models run as one step.
            if ((cellpose.Diameter is null && cellpose.EstimateDiameter) || cellpose.TilePadding != TilePadding.Mirror)
            {
                return chain.Append(SegmentImages(catalog, path, card, model.OutputChannels, cellpose.BatchSize, segmenter.Options, options));
            }

            return chain
                .Append(catalog.NormalizePercentiles(ChannelMapping.Cellpose, cellpose.Channels, card.LowPercentile, card.HighPercentile, cellpose.InvertBrightBackground))
                .Append(catalog.TileImages(cellpose.TileSize, CellposeTileOverlap, cellpose.ModelDiameter, cellpose.Diameter))
                .Append(ApplyNetwork(catalog, path, card, model.OutputChannels, cellpose.BatchSize, options.GpuDeviceId, options.FallbackToCpu))
                .Append(catalog.BlendTiles())
                .Append(catalog.CellposeMasks(cellpose.Dynamics));
        }

        UNetSegmenterOptions unet = segmenter.UNetOptions!;
        // The chain's normalisation step maps percentiles of gray values or of the channels as read; a
        // zero_mean_unit_variance model (imported from bioimage.io) and a U-Net that reads one named channel (a card's
        // image:green) run as one step through the segmenter, which normalises and selects as its card says.
        if (unet.Halo > 0 || unet.ZeroMeanUnitVariance || segmenter.Channels.Cytoplasm != ImageChannel.Gray)
        {
            return chain.Append(SegmentImages(catalog, path, card, model.OutputChannels, unet.BatchSize, segmenter.Options, options));
        }

        return chain
            .Append(catalog.NormalizePercentiles(card.InputChannels.Count > 1 ? ChannelMapping.AsRead : ChannelMapping.Gray, null, card.LowPercentile, card.HighPercentile))
            .Append(catalog.TileImages(unet.TileSize, CellposeTileOverlap))
            .Append(ApplyNetwork(catalog, path, card, model.OutputChannels, unet.BatchSize, options.GpuDeviceId, options.FallbackToCpu))
            .Append(catalog.BlendTiles())
            .Append(catalog.ClassMapInstances(unet));
    }

    private static IEstimator<ITransformer> SegmentImages(TransformsCatalog catalog, string path, ModelCard card, int outputChannels, int batchSize, SegmentOptions segment, SegmentCellsOptions options)
    {
        var network = new NetworkSettings(path, NetworkCache.Sha256(path), card.Kind, card.InputChannels.Count, outputChannels, batchSize, options.GpuDeviceId, options.FallbackToCpu);
        var settings = new SegmentSettings(network, segment with { BatchSize = batchSize });
        return WithSettings(catalog, Columns.SegmentSettings, settings.ToText(), catalog.CustomMapping<SegmentInputRow, MasksRow>(SegmentImagesFactory.Map, SegmentImagesFactory.Contract));
    }

    private static IEstimator<ITransformer> ApplyNetwork(TransformsCatalog catalog, string path, ModelCard card, int outputChannels, int batchSize, int? gpuDeviceId, bool fallbackToCpu)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (gpuDeviceId is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(gpuDeviceId), gpuDeviceId, "a CUDA device id is 0 or more (null for the CPU)");
        }

        var settings = new NetworkSettings(path, NetworkCache.Sha256(path), card.Kind, card.InputChannels.Count, outputChannels, batchSize, gpuDeviceId, fallbackToCpu);
        return WithSettings(catalog, Columns.NetworkSettings, settings.ToText(), catalog.CustomMapping<NetworkInputRow, NetworkOutputRow>(NetworkFactory.Map, NetworkFactory.Contract));
    }

    private static (ModelCard Card, int OutputChannels, string Path) ReadCard(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        string path = Path.GetFullPath(modelPath);
        using var model = SegmentationModel.Load(path);
        return (model.Card, model.OutputChannels, path);
    }

    private static void CheckAgainstCard(ModelCard card, SegmentCellsOptions options, string path)
    {
        var problems = new List<string>();
        if (options.TileSize is int t && card.TileSize > 0 && t != card.TileSize)
        {
            problems.Add($"tile size {t} (the card says {card.TileSize})");
        }

        if (options.LowPercentile is double low && low != card.LowPercentile)
        {
            problems.Add($"low percentile {low} (the card says {card.LowPercentile})");
        }

        if (options.HighPercentile is double high && high != card.HighPercentile)
        {
            problems.Add($"high percentile {high} (the card says {card.HighPercentile})");
        }

        if (card.Kind == SegmentationModelKind.Cellpose)
        {
            if (card.InputChannels.Count is not (0 or 2))
            {
                problems.Add($"a Cellpose pipeline feeds 2 channels (cytoplasm, nucleus) but the card names {card.InputChannels.Count}");
            }

            if (options.BoundaryClass is not null || options.Instances != InstanceMode.ConnectedComponents)
            {
                problems.Add("U-Net instance settings for a Cellpose model");
            }
        }
        else
        {
            if (options.Diameter is not null)
            {
                problems.Add("a diameter for a U-Net model (U-Nets run at the image's scale)");
            }

            if (options.Channels is not null)
            {
                problems.Add("Cellpose channels for a U-Net model");
            }
        }

        if (problems.Count > 0)
        {
            throw new PipelineSettingsException($"the model's card does not match the pipeline's settings: {string.Join("; ", problems)}", path);
        }
    }

    private static IEstimator<ITransformer> WithSettings(TransformsCatalog catalog, string column, string text, IEstimator<ITransformer> step) =>
        catalog.Expression(column, $"x => \"{text}\"", SettingsSource).Append(step);
}

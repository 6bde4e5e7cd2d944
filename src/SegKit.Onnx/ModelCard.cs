using System.Globalization;

namespace SegKit.Onnx;

/// <summary>
/// What a segmentation model needs to be used correctly and what it was trained on, stored in the ONNX file's
/// metadata_props under keys prefixed "segkit." (see the README for the list). A model without the
/// "segkit.card_version" key has no card: <see cref="FromMetadata"/> returns null and <see cref="ReadFile"/>
/// refuses it as "not a SegKit segmentation model".
/// </summary>
public sealed record ModelCard
{
    public const string Prefix = "segkit.";
    public const string VersionKey = "segkit.card_version";

    /// <summary>The card layout this code writes and reads.</summary>
    public const int CurrentVersion = 1;

    private const string KindKey = "segkit.kind";
    private const string ChannelsKey = "segkit.input.channels";
    private const string ChannelKeyPrefix = "segkit.input.channel.";
    private const string LowPercentileKey = "segkit.normalize.low_percentile";
    private const string HighPercentileKey = "segkit.normalize.high_percentile";
    private const string MethodKey = "segkit.normalize.method";
    private const string EpsilonKey = "segkit.normalize.epsilon";
    private const string DiameterKey = "segkit.cellpose.diameter";
    private const string InvertKey = "segkit.normalize.invert_bright_background";
    private const string FlowThresholdKey = "segkit.cellpose.flow_threshold";
    private const string ClassesKey = "segkit.unet.classes";
    private const string ClassKeyPrefix = "segkit.unet.class.";
    private const string TileSizeKey = "segkit.tile.size";
    private const string HaloKey = "segkit.tile.halo";
    private const string PaddingKey = "segkit.tile.padding";
    private const string TrainingDataKey = "segkit.training.data";
    private const string TrainingStepsKey = "segkit.training.steps";
    private const string TrainingDateKey = "segkit.training.date";
    private const string MetricKeyPrefix = "segkit.metric.";
    private const string SegKitVersionKey = "segkit.version";
    private const string SizeMeanKey = "segkit.size.style_mean";
    private const string SizeCoefficientsKey = "segkit.size.coefficients";
    private const string SizeOffsetKey = "segkit.size.mean_log_ratio";
    private const string SizeSamplesKey = "segkit.size.samples";
    private const string SizeRefineKey = "segkit.size.refine";

    public SegmentationModelKind Kind { get; init; }

    /// <summary>What each input channel holds, in order (e.g. "cytoplasm", "nucleus"); the count is the channel count.</summary>
    public IReadOnlyList<string> InputChannels { get; init; } = [];

    /// <summary>Percentile mapped to 0 by the input normalisation (1 in Cellpose).</summary>
    public double LowPercentile { get; init; } = 1;

    /// <summary>Percentile mapped to 1 by the input normalisation (99 in Cellpose).</summary>
    public double HighPercentile { get; init; } = 99;

    /// <summary>
    /// U-Net only: normalise each image to zero mean and unit variance, (x - mean) / (std + <see cref="NormalizeEpsilon"/>),
    /// instead of by percentiles (bioimage.io's zero_mean_unit_variance, which many zoo models use); written as
    /// "segkit.normalize.method" = "zero_mean_unit_variance" (absent means percentiles).
    /// </summary>
    public bool ZeroMeanUnitVariance { get; init; }

    /// <summary>The epsilon of <see cref="ZeroMeanUnitVariance"/> (bioimage.io's default 1e-6).</summary>
    public double NormalizeEpsilon { get; init; } = 1e-6;

    /// <summary>Cellpose only: the object diameter in pixels the network was trained at (30 for cyto3).</summary>
    public double? Diameter { get; init; }

    /// <summary>
    /// Cellpose only: the flow-error limit above which a mask is dropped (Cellpose's flow_threshold), where this model's
    /// flows call for another value than Cellpose's 0.4; null: 0.4. Chosen on the model's validation set, like its figures.
    /// </summary>
    public double? FlowThreshold { get; init; }

    /// <summary>After normalisation, invert an image whose background is bright (colour and brightness for true-colour images, else the median above 0.5; see BackgroundPolarity), as in training.</summary>
    public bool InvertBrightBackground { get; init; }

    /// <summary>U-Net only: the class names, index 0 first (usually "background").</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>Side of the square tiles the network runs on, in pixels.</summary>
    public int TileSize { get; init; }

    /// <summary>Pixels at each tile border that are context, not output (overlap with the neighbours).</summary>
    public int Halo { get; init; }

    /// <summary>
    /// Cellpose only: tiles see zeros beyond the image, padded as Cellpose v3 pads (8 pixels and up to a multiple of 16 on
    /// each side), instead of SegKit's mirror. Set for models imported from Cellpose, so they compute what Cellpose
    /// computes; written as "segkit.tile.padding" = "cellpose" (absent means mirror).
    /// </summary>
    public bool CellposeTilePadding { get; init; }

    public string TrainingData { get; init; } = "";

    public long TrainingSteps { get; init; }

    public DateTimeOffset TrainedAt { get; init; }

    /// <summary>Validation figures by name (e.g. "ap@0.5").</summary>
    public IReadOnlyDictionary<string, double> ValidationMetrics { get; init; } = new Dictionary<string, double>();

    public string SegKitVersion { get; init; } = "";

    /// <summary>Cellpose: estimates the objects' diameter from the network's style in one pass; null where none was fitted.</summary>
    public SizeModelParameters? SizeModel { get; init; }

    /// <summary>
    /// Puts this card into <paramref name="metadata"/> (a model's metadata_props) in place of the card there: the keys the
    /// previous card wrote and this one does not (a size model's refinement turned off, a figure dropped) go; entries that
    /// are not the card's (the exporter's architecture, the weight storage) stay.
    /// </summary>
    public void WriteTo(Dictionary<string, string> metadata)
    {
        if (metadata is null)
            throw new ArgumentNullException(nameof(metadata));
        Dictionary<string, string> entries = ToMetadata();
        if (FromMetadata(metadata) is { } previous)
        {
            foreach (string key in previous.ToMetadata().Keys)
                metadata.Remove(key);
        }

        foreach (var entry in entries)
            metadata[entry.Key] = entry.Value;
    }

    /// <summary>The metadata_props entries for this card; checks the card first.</summary>
    public Dictionary<string, string> ToMetadata()
    {
        var problem = Problem();
        if (problem is not null)
            throw new ArgumentException($"Model card is not valid: {problem}.", nameof(ModelCard));
        var m = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [VersionKey] = Text(CurrentVersion),
            [KindKey] = Kind == SegmentationModelKind.Cellpose ? "cellpose" : "unet",
            [ChannelsKey] = Text(InputChannels.Count),
        };
        for (var i = 0; i < InputChannels.Count; i++)
            m[ChannelKeyPrefix + Text(i)] = InputChannels[i];
        m[LowPercentileKey] = Text(LowPercentile);
        m[HighPercentileKey] = Text(HighPercentile);
        if (ZeroMeanUnitVariance)
        {
            m[MethodKey] = "zero_mean_unit_variance";
            m[EpsilonKey] = Text(NormalizeEpsilon);
        }
        if (Diameter is double diameter)
            m[DiameterKey] = Text(diameter);
        if (InvertBrightBackground)
            m[InvertKey] = "true";
        if (FlowThreshold is double flowThreshold)
            m[FlowThresholdKey] = Text(flowThreshold);
        if (Classes is not null)
        {
            m[ClassesKey] = Text(Classes.Count);
            for (var i = 0; i < Classes.Count; i++)
                m[ClassKeyPrefix + Text(i)] = Classes[i];
        }
        m[TileSizeKey] = Text(TileSize);
        m[HaloKey] = Text(Halo);
        if (CellposeTilePadding)
            m[PaddingKey] = "cellpose";
        m[TrainingDataKey] = TrainingData;
        m[TrainingStepsKey] = Text(TrainingSteps);
        m[TrainingDateKey] = TrainedAt.ToString("O", CultureInfo.InvariantCulture);
        foreach (var metric in ValidationMetrics.OrderBy(e => e.Key, StringComparer.Ordinal))
            m[MetricKeyPrefix + metric.Key] = Text(metric.Value);
        m[SegKitVersionKey] = SegKitVersion;
        if (SizeModel is { } size)
        {
            m[SizeMeanKey] = string.Join(",", size.StyleMean.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            m[SizeCoefficientsKey] = string.Join(",", size.Coefficients.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            m[SizeOffsetKey] = size.MeanLogRatio.ToString("R", CultureInfo.InvariantCulture);
            m[SizeSamplesKey] = Text(size.Samples);
            if (size.Refine)
                m[SizeRefineKey] = "true";
        }
        return m;
    }

    /// <summary>
    /// Reads the card from metadata_props; null when there is none (no "segkit.card_version").
    /// A card that is present but damaged or of a newer version raises <see cref="OnnxFormatException"/>.
    /// </summary>
    /// <param name="sourceName">Named in error messages; the model's path when there is one.</param>
    public static ModelCard? FromMetadata(IReadOnlyDictionary<string, string> metadata, string? sourceName = null)
    {
        if (metadata is null)
            throw new ArgumentNullException(nameof(metadata));
        if (!metadata.TryGetValue(VersionKey, out var versionText))
            return null;
        var reader = new CardReader(metadata, sourceName);
        var version = reader.Int(VersionKey);
        if (version != CurrentVersion)
            throw reader.Fail($"model card version {versionText} is not supported (this SegKit reads version {CurrentVersion})");
        var kind = reader.Required(KindKey) switch
        {
            "cellpose" => SegmentationModelKind.Cellpose,
            "unet" => SegmentationModelKind.UNet,
            var other => throw reader.Fail($"{KindKey} is '{other}', expected 'cellpose' or 'unet'"),
        };
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var entry in metadata.Where(e => e.Key.StartsWith(MetricKeyPrefix, StringComparison.Ordinal)))
            metrics[entry.Key.Substring(MetricKeyPrefix.Length)] = reader.Double(entry.Key);
        var card = new ModelCard
        {
            Kind = kind,
            InputChannels = reader.List(ChannelsKey, ChannelKeyPrefix),
            LowPercentile = reader.Double(LowPercentileKey),
            HighPercentile = reader.Double(HighPercentileKey),
            ZeroMeanUnitVariance = metadata.TryGetValue(MethodKey, out var method) && (method == "zero_mean_unit_variance" ? true : method == "percentiles" ? false : throw reader.Fail($"{MethodKey} is '{method}', expected 'percentiles' or 'zero_mean_unit_variance'")),
            NormalizeEpsilon = metadata.ContainsKey(EpsilonKey) ? reader.Double(EpsilonKey) : 1e-6,
            Diameter = metadata.ContainsKey(DiameterKey) ? reader.Double(DiameterKey) : null,
            FlowThreshold = metadata.ContainsKey(FlowThresholdKey) ? reader.Double(FlowThresholdKey) : null,
            InvertBrightBackground = metadata.TryGetValue(InvertKey, out var invert) && (invert == "true" ? true : invert == "false" ? false : throw reader.Fail($"{InvertKey} is '{invert}', expected 'true' or 'false'")),
            Classes = metadata.ContainsKey(ClassesKey) ? reader.List(ClassesKey, ClassKeyPrefix) : null,
            TileSize = reader.Int(TileSizeKey),
            Halo = reader.Int(HaloKey),
            CellposeTilePadding = metadata.TryGetValue(PaddingKey, out var padding) && (padding == "cellpose" ? true : padding == "mirror" ? false : throw reader.Fail($"{PaddingKey} is '{padding}', expected 'cellpose' or 'mirror'")),
            TrainingData = reader.Required(TrainingDataKey),
            TrainingSteps = reader.Long(TrainingStepsKey),
            TrainedAt = reader.Date(TrainingDateKey),
            ValidationMetrics = metrics,
            SegKitVersion = reader.Required(SegKitVersionKey),
            SizeModel = metadata.ContainsKey(SizeMeanKey) ? ReadSizeModel(reader) : null,
        };
        var problem = card.Problem();
        if (problem is not null)
            throw reader.Fail($"model card is not valid: {problem}");
        return card;
    }

    /// <summary>Reads the card of an ONNX file without loading its weights.</summary>
    /// <exception cref="OnnxFormatException">The file is not ONNX, or is ONNX without a SegKit model card.</exception>
    public static ModelCard ReadFile(string path)
    {
        var info = OnnxModelInfo.Read(path);
        return FromMetadata(info.Metadata, path)
            ?? throw new OnnxFormatException(path, $"an ONNX model without a SegKit model card (no '{VersionKey}' in metadata_props): not a SegKit segmentation model");
    }

    public bool Equals(ModelCard? other) =>
        other is not null
        && Kind == other.Kind
        && InputChannels.SequenceEqual(other.InputChannels)
        && LowPercentile.Equals(other.LowPercentile)
        && HighPercentile.Equals(other.HighPercentile)
        && ZeroMeanUnitVariance == other.ZeroMeanUnitVariance
        && NormalizeEpsilon.Equals(other.NormalizeEpsilon)
        && Nullable.Equals(Diameter, other.Diameter)
        && Nullable.Equals(FlowThreshold, other.FlowThreshold)
        && InvertBrightBackground == other.InvertBrightBackground
        && (Classes is null ? other.Classes is null : other.Classes is not null && Classes.SequenceEqual(other.Classes))
        && TileSize == other.TileSize
        && Halo == other.Halo
        && CellposeTilePadding == other.CellposeTilePadding
        && TrainingData == other.TrainingData
        && TrainingSteps == other.TrainingSteps
        && TrainedAt.Equals(other.TrainedAt)
        && TrainedAt.Offset == other.TrainedAt.Offset
        && ValidationMetrics.Count == other.ValidationMetrics.Count
        && ValidationMetrics.All(e => other.ValidationMetrics.TryGetValue(e.Key, out var v) && v.Equals(e.Value))
        && SegKitVersion == other.SegKitVersion
        && Equals(SizeModel, other.SizeModel);

    public override int GetHashCode() => (Kind, InputChannels.Count, TileSize, Halo, TrainingSteps, SegKitVersion).GetHashCode();

    private static SizeModelParameters ReadSizeModel(CardReader reader)
    {
        float[] mean = reader.Floats(SizeMeanKey);
        float[] coefficients = reader.Floats(SizeCoefficientsKey);
        if (mean.Length != coefficients.Length)
            throw reader.Fail($"model card '{SizeMeanKey}' has {mean.Length} values but '{SizeCoefficientsKey}' {coefficients.Length}");
        try
        {
            return new SizeModelParameters(mean, coefficients, reader.Double(SizeOffsetKey), reader.Int(SizeSamplesKey)) { Refine = reader.Flag(SizeRefineKey) };
        }
        catch (ArgumentException e)
        {
            throw reader.Fail($"model card size model is not valid: {e.Message}");
        }
    }

    private string? Problem()
    {
        if (InputChannels.Count == 0)
            return "no input channels";
        if (!(LowPercentile >= 0 && LowPercentile < HighPercentile && HighPercentile <= 100))
            return $"normalisation percentiles {LowPercentile}..{HighPercentile} are not 0 <= low < high <= 100";
        if (Kind == SegmentationModelKind.Cellpose && !(Diameter > 0))
            return "a Cellpose model needs a positive diameter";
        if (Kind == SegmentationModelKind.Cellpose && Classes is not null)
            return "a Cellpose model has no classes";
        if (Kind == SegmentationModelKind.UNet && (Classes is null || Classes.Count < 2))
            return "a U-Net model needs at least two classes";
        if (Kind == SegmentationModelKind.UNet && Diameter is not null)
            return "a U-Net model has no diameter";
        if (Kind == SegmentationModelKind.UNet && FlowThreshold is not null)
            return "a U-Net model has no flow threshold";
        if (FlowThreshold is double flow && !(flow >= 0 && !double.IsInfinity(flow)))
            return $"flow threshold {flow} is not a number of 0 or more";
        if (Kind == SegmentationModelKind.UNet && CellposeTilePadding)
            return "a U-Net model has no Cellpose tile padding";
        if (Kind == SegmentationModelKind.Cellpose && ZeroMeanUnitVariance)
            return "a Cellpose model is normalised by percentiles, not zero_mean_unit_variance";
        if (!(NormalizeEpsilon > 0 && NormalizeEpsilon < 1))
            return $"normalisation epsilon {NormalizeEpsilon} is not within (0, 1)";
        if (TileSize <= 0 || Halo < 0 || 2 * Halo >= TileSize)
            return $"tile size {TileSize} with halo {Halo} leaves no output";
        if (TrainingSteps < 0)
            return "negative training steps";
        if (ValidationMetrics.Keys.Any(k => k.Length == 0))
            return "a validation metric without a name";
        return null;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

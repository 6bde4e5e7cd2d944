using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using SegKit.Onnx;

namespace SegKit.Inference;

/// <summary>
/// An ONNX segmentation model ready to run: its session and its card. Loading checks, before anything runs, that the
/// file is ONNX, carries a SegKit card (or is given one for a foreign file) and has the input and output the card
/// promises: one float input [N, C, H, W] with the card's channel count, and an output of 3 channels (Cellpose)
/// or one per class (U-Net).
/// </summary>
public sealed class SegmentationModel : IDisposable
{
    private readonly Lazy<OnnxStyleNetwork?> _style;

    private SegmentationModel(InferenceSession session, ModelCard card, string inputName, string outputName, string source, Func<OnnxStyleNetwork?> style)
    {
        Session = session;
        Card = card;
        InputName = inputName;
        OutputName = outputName;
        Source = source;
        _style = new Lazy<OnnxStyleNetwork?>(style);
    }

    public InferenceSession Session { get; }

    public ModelCard Card { get; }

    public string InputName { get; }

    public string OutputName { get; }

    public string Source { get; }

    public int OutputChannels => Card.Kind == SegmentationModelKind.Cellpose ? 3 : Card.Classes?.Count ?? 2;

    /// <param name="cardOverride">For ONNX files without a SegKit card: how to run them (kind, channels, diameter or classes).</param>
    /// <param name="intraOpThreads">ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose.</param>
    public static SegmentationModel Load(string path, ModelCard? cardOverride = null, ExecutionDevice device = ExecutionDevice.Cpu, ILogger? logger = null, int intraOpThreads = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ModelLoadException("model file not found", path);
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"cannot be read ({e.Message})", path, e);
        }

        return Load(bytes, path, cardOverride, device, logger, intraOpThreads);
    }

    /// <summary>Loads a model from a stream (an embedded resource, a download); <paramref name="sourceName"/> names it in messages.</summary>
    public static SegmentationModel Load(Stream stream, string sourceName, ModelCard? cardOverride = null, ExecutionDevice device = ExecutionDevice.Cpu, ILogger? logger = null, int intraOpThreads = 0)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        using var buffer = new MemoryStream();
        try
        {
            stream.CopyTo(buffer);
        }
        catch (IOException e)
        {
            throw new ModelLoadException($"cannot be read ({e.Message})", sourceName, e);
        }

        return Load(buffer.ToArray(), sourceName, cardOverride, device, logger, intraOpThreads);
    }

    private static SegmentationModel Load(byte[] bytes, string source, ModelCard? cardOverride, ExecutionDevice device, ILogger? logger, int intraOpThreads)
    {
        OnnxModelInfo info;
        ModelCard? card;
        try
        {
            using var memory = new MemoryStream(bytes, writable: false);
            info = OnnxModelInfo.Read(memory, source);
            card = cardOverride ?? ModelCard.FromMetadata(info.Metadata, source);
        }
        catch (OnnxFormatException e)
        {
            throw new ModelLoadException(Unprefixed(e.Message, source), source, e);
        }

        if (card is null)
        {
            throw new ModelLoadException("has no SegKit model card (segkit.* metadata); say how to run it with a card override (kind, channels, diameter or classes)", source);
        }

        OnnxValueInfo input = CheckInput(info, card, source);
        OnnxValueInfo output = info.Outputs.Count > 0 ? info.Outputs[0] : throw new ModelLoadException("has no output", source);
        int expected = card.Kind == SegmentationModelKind.Cellpose ? 3 : card.Classes?.Count ?? 2;
        if (output.Shape is { Count: 4 } shape && shape[1].Value is long channels && channels != expected)
        {
            throw new ModelLoadException($"is a {card.Kind} model by its card, which needs {expected} output channels, but its output '{output.Name}' has {channels}", source);
        }

        // Once for both sessions (the network and, opened later, its size model's encoder): one warning, not two.
        device = OnnxSessions.ResolveDevice(device, logger);
        OnnxValueInfo? style = card.Kind == SegmentationModelKind.Cellpose
            ? info.Outputs.FirstOrDefault(o => o.Name == OnnxStyleNetwork.StyleOutputName && o.Shape is { Count: 2 } && o.Shape[1].Value is > 0)
            : null;
        if (card.SizeModel is { } size && style is not null && style.Shape![1].Value != size.StyleMean.Count)
        {
            throw new ModelLoadException($"its card's size model reads a style of {size.StyleMean.Count} values but the network's '{style.Name}' output has {style.Shape[1].Value}", source);
        }

        Func<OnnxStyleNetwork?> styleNetwork = style is null ? () => null : () =>
        {
            // The encoder alone: ONNX Runtime would run the whole graph for one output of it.
            byte[] encoder = OnnxWriter.ToBytes(OnnxSubgraph.Extract(OnnxReader.Read(bytes, source), [style.Name]));
            return new OnnxStyleNetwork(OnnxSessions.Open(encoder, source, device, intraOpThreads, logger), (int)style.Shape![1].Value!.Value, input.Name);
        };
        return new SegmentationModel(OnnxSessions.Open(bytes, source, device, intraOpThreads, logger), card, input.Name, output.Name, source, styleNetwork);
    }

    /// <summary>
    /// The number of image channels this model's card asks for (after channel selection), so a caller can refuse an
    /// image that cannot provide them before any work starts.
    /// </summary>
    public int InputChannels => Card.InputChannels.Count > 0 ? Card.InputChannels.Count : Card.Kind == SegmentationModelKind.Cellpose ? 2 : 1;

    /// <summary>
    /// This model as a segmenter, with the card's settings and SegKit's defaults for whatever <paramref name="options"/>
    /// leaves null (see <see cref="ModelSegmenter"/>). The segmenter uses this model's session: dispose the model after it.
    /// </summary>
    public ModelSegmenter CreateSegmenter(SegmentOptions? options = null) =>
        ModelSegmenter.Create(new OnnxTileNetwork(Session, OutputChannels, InputName, OutputName), Card, options, Card.SizeModel is null ? null : StyleNetwork);

    /// <summary>
    /// The network's encoder (its "style" output) as a session of its own, built on first use; null for a model without
    /// a style output (a U-Net, a foreign network).
    /// </summary>
    public OnnxStyleNetwork? StyleNetwork => _style.Value;

    public void Dispose()
    {
        if (_style.IsValueCreated)
        {
            _style.Value?.Dispose();
        }

        Session.Dispose();
    }

    private static OnnxValueInfo CheckInput(OnnxModelInfo info, ModelCard card, string path)
    {
        if (info.Inputs.Count != 1)
        {
            throw new ModelLoadException($"is not a segmentation network: it has {info.Inputs.Count} inputs, one image input [N, C, H, W] expected", path);
        }

        OnnxValueInfo input = info.Inputs[0];
        if (input.ElementType != OnnxElementType.Float || input.Shape is not { Count: 4 } shape)
        {
            throw new ModelLoadException($"is not a segmentation network: its input '{input.Name}' is {input.ElementType} with rank {input.Shape?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}, float [N, C, H, W] expected", path);
        }

        if (shape[1].Value is long channels && card.InputChannels.Count > 0 && channels != card.InputChannels.Count)
        {
            throw new ModelLoadException($"its card names {card.InputChannels.Count} input channel(s) but the network takes {channels}", path);
        }

        // Tiles are square, of the card's size: a graph exported with fixed spatial sizes runs no other.
        if ((shape[2].Value is long h && h != card.TileSize) || (shape[3].Value is long w && w != card.TileSize))
        {
            throw new ModelLoadException($"its input '{input.Name}' is fixed at {shape[2]} x {shape[3]} pixels but its card's tiles are {card.TileSize} x {card.TileSize}; give the card that tile size, or export the network with dynamic height and width", path);
        }

        return input;
    }

    private static string Unprefixed(string message, string path) =>
        message.StartsWith(path, StringComparison.Ordinal) ? message[path.Length..].TrimStart(':', ' ') : message;
}

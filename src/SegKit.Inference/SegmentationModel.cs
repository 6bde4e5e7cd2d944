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
    private SegmentationModel(InferenceSession session, ModelCard card, string inputName, string outputName, string source)
    {
        Session = session;
        Card = card;
        InputName = inputName;
        OutputName = outputName;
        Source = source;
    }

    public InferenceSession Session { get; }

    public ModelCard Card { get; }

    public string InputName { get; }

    public string OutputName { get; }

    public string Source { get; }

    public int OutputChannels => Card.Kind == SegmentationModelKind.Cellpose ? 3 : Card.Classes?.Count ?? 2;

    /// <param name="cardOverride">For ONNX files without a SegKit card: how to run them (kind, channels, diameter or classes).</param>
    public static SegmentationModel Load(string path, ModelCard? cardOverride = null, ExecutionDevice device = ExecutionDevice.Cpu, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ModelLoadException("model file not found", path);
        }

        OnnxModelInfo info;
        ModelCard? card;
        try
        {
            info = OnnxModelInfo.Read(path);
            card = cardOverride ?? ModelCard.FromMetadata(info.Metadata, path);
        }
        catch (OnnxFormatException e)
        {
            throw new ModelLoadException(Unprefixed(e.Message, path), path, e);
        }

        if (card is null)
        {
            throw new ModelLoadException("has no SegKit model card (segkit.* metadata); say how to run it with a card override (kind, channels, diameter or classes)", path);
        }

        OnnxValueInfo input = CheckInput(info, card, path);
        OnnxValueInfo output = info.Outputs.Count > 0 ? info.Outputs[0] : throw new ModelLoadException("has no output", path);
        int expected = card.Kind == SegmentationModelKind.Cellpose ? 3 : card.Classes?.Count ?? 2;
        if (output.Shape is { Count: 4 } shape && shape[1].Value is long channels && channels != expected)
        {
            throw new ModelLoadException($"is a {card.Kind} model by its card, which needs {expected} output channels, but its output '{output.Name}' has {channels}", path);
        }

        return new SegmentationModel(OnnxSessions.Open(path, device, logger: logger), card, input.Name, output.Name, path);
    }

    public void Dispose() => Session.Dispose();

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

        return input;
    }

    private static string Unprefixed(string message, string path) =>
        message.StartsWith(path, StringComparison.Ordinal) ? message[path.Length..].TrimStart(':', ' ') : message;
}

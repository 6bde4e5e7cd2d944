using SegKit.Onnx;

namespace SegKit.Build.Tasks;

/// <summary>
/// Reads a model's interface and card with the pure managed reader (no weights, no native code) and checks what the
/// generated class will rely on at run time, so a model that cannot work fails the build rather than the application.
/// </summary>
internal static class ModelInspection
{
    public static InspectedModel Inspect(ModelItem item)
    {
        if (!File.Exists(item.FullPath))
            throw new SegKitBuildException(ErrorCodes.UnreadableModel, item.Identity, $"model file not found (looked for {item.FullPath})");

        OnnxModelInfo info;
        try
        {
            info = OnnxModelInfo.Read(item.FullPath);
        }
        catch (OnnxFormatException e)
        {
            throw new SegKitBuildException(ErrorCodes.UnreadableModel, item.Identity, "not a readable ONNX model: " + Unprefixed(e.Message, item.FullPath));
        }

        ModelCard? card;
        try
        {
            card = ModelCard.FromMetadata(info.Metadata, item.FullPath);
        }
        catch (OnnxFormatException e)
        {
            throw new SegKitBuildException(ErrorCodes.InvalidCard, item.Identity, "its SegKit model card is damaged: " + Unprefixed(e.Message, item.FullPath));
        }

        if (card is null)
        {
            throw new SegKitBuildException(ErrorCodes.NoCard, item.Identity,
                $"an ONNX model without a SegKit model card (no '{ModelCard.VersionKey}' in its metadata_props), so SegKit cannot tell how to run it. " +
                "Export it with `segkit export` (which writes the card), or add the segkit.* metadata keys listed in the README (kind, input channels, diameter or classes, tile size, ...) with ModelCard.ToMetadata and OnnxWriter");
        }

        if (info.Inputs.Count != 1 || info.Inputs[0].ElementType != OnnxElementType.Float || info.Inputs[0].Shape is not { Count: 4 } inputShape)
            throw new SegKitBuildException(ErrorCodes.InvalidCard, item.Identity, $"not a segmentation network: one float input [N, C, H, W] expected, the model has {Describe(info.Inputs)}");
        if (inputShape[1].Value is long channels && channels != card.InputChannels.Count)
            throw new SegKitBuildException(ErrorCodes.InvalidCard, item.Identity, $"its card names {card.InputChannels.Count} input channel(s) but the network takes {channels}");
        if (card.Kind == SegmentationModelKind.Cellpose && card.InputChannels.Count != 2)
            throw new SegKitBuildException(ErrorCodes.InvalidCard, item.Identity, $"a Cellpose network takes two channels (cytoplasm, nucleus); its card names {card.InputChannels.Count}");
        if (card.Kind == SegmentationModelKind.UNet && card.InputChannels.Count != 1)
            throw new SegKitBuildException(ErrorCodes.InvalidCard, item.Identity, $"a U-Net model runs on one (gray) channel; its card names {card.InputChannels.Count}");

        // As SegmentationModel.Load checks at run time: tiles are square, of the card's size, and a size model reads the
        // network's style output, whose length it must share.
        if ((inputShape[2].Value is long h && h != card.TileSize) || (inputShape[3].Value is long w && w != card.TileSize))
            throw new SegKitBuildException(ErrorCodes.InvalidCard, item.Identity, $"its input is fixed at {inputShape[2]} x {inputShape[3]} pixels but its card's tiles are {card.TileSize} x {card.TileSize}; give the card that tile size, or export the network with dynamic height and width");
        var style = info.Outputs.FirstOrDefault(o => o.Name == "style" && o.Shape is { Count: 2 });
        if (card.Kind == SegmentationModelKind.Cellpose && card.SizeModel is { } size && style?.Shape![1].Value is long styleLength && styleLength != size.StyleMean.Count)
            throw new SegKitBuildException(ErrorCodes.InvalidCard, item.Identity, $"its card's size model reads a style of {size.StyleMean.Count} values but the network's 'style' output has {styleLength}");

        var expected = card.Kind == SegmentationModelKind.Cellpose ? 3 : card.Classes!.Count;
        if (info.Outputs.Count == 0)
            throw new SegKitBuildException(ErrorCodes.InvalidCard, item.Identity, "the network has no output");
        var output = info.Outputs[0];
        if (output.Shape is { Count: 4 } outputShape && outputShape[1].Value is long outputChannels && outputChannels != expected)
            throw new SegKitBuildException(ErrorCodes.InvalidCard, item.Identity, $"a {card.Kind} model by its card needs {expected} output channels, but output '{output.Name}' has {outputChannels}");

        return new InspectedModel(card, info.Inputs[0].Name, output.Name, expected);
    }

    private static string Describe(IReadOnlyList<OnnxValueInfo> inputs) =>
        inputs.Count == 0 ? "no input" : string.Join(", ", inputs.Select(i => i.ToString()));

    private static string Unprefixed(string message, string path) =>
        message.StartsWith(path, StringComparison.Ordinal) ? message.Substring(path.Length).TrimStart(':', ' ') : message;
}

using SegKit.Inference;
using SegKit.Onnx;

namespace SegKit.Service;

/// <summary>
/// What GET /models says of a model: its card, as a client needs it to choose one and set its options.
/// <see cref="FlowThreshold"/> is what POST /segment uses when the request gives none (Cellpose models; null for a U-Net).
/// </summary>
public sealed record ModelDescription(
    string Name,
    string Kind,
    IReadOnlyList<string> Channels,
    double? Diameter,
    bool SizeModel,
    IReadOnlyList<string>? Classes,
    int TileSize,
    string TrainingData,
    IReadOnlyDictionary<string, double> Validation,
    double? FlowThreshold)
{
    public static ModelDescription Of(ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var card = model.Card;
        return new ModelDescription(
            model.Name,
            card.Kind.ToString().ToLowerInvariant(),
            card.InputChannels.ToArray(),
            card.Diameter,
            card.SizeModel is not null,
            card.Classes?.ToArray(),
            card.TileSize,
            card.TrainingData,
            card.ValidationMetrics.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal),
            card.Kind == SegmentationModelKind.Cellpose ? ModelSegmenter.ResolveDynamics(card, SegmentOptions.Default).FlowThreshold : null);
    }
}

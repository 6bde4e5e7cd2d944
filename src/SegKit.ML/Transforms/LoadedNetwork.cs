using Microsoft.ML.OnnxRuntime;
using SegKit.Inference;
using SegKit.Onnx;

namespace SegKit.ML.Transforms;

/// <summary>An opened model: its session, tile network, card, the device it really runs on, and its size model's encoder.</summary>
internal sealed class LoadedNetwork(InferenceSession session, OnnxTileNetwork network, ModelCard card, string path, ExecutionDevice device, OnnxStyleNetwork? style)
{
    public InferenceSession Session { get; } = session;

    public OnnxTileNetwork Network { get; } = network;

    public ModelCard Card { get; } = card;

    public string Path { get; } = path;

    public ExecutionDevice Device { get; } = device;

    /// <summary>The encoder for the card's size model (one-pass diameter estimate); null without one.</summary>
    public OnnxStyleNetwork? Style { get; } = style;

    /// <summary>The tiles must be what the card says the network takes.</summary>
    public void CheckTiles(TileGrid grid)
    {
        if (Card.InputChannels.Count > 0 && grid.Channels != Card.InputChannels.Count)
        {
            throw new PipelineSettingsException(
                $"the pipeline feeds {grid.Channels}-channel tiles but the model's card names {Card.InputChannels.Count} input channel(s) ({string.Join(", ", Card.InputChannels)}): the normalisation step's channels do not match the model",
                Path);
        }

        if (Card.TileSize > 0 && grid.TileSize != Card.TileSize)
        {
            throw new PipelineSettingsException(
                $"the pipeline cuts {grid.TileSize}-pixel tiles but the model's card says it runs on {Card.TileSize}-pixel tiles",
                Path);
        }
    }
}

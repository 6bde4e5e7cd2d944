namespace SegKit.Core.Tiling;

/// <summary>
/// Anything that maps a batch of tiles to a batch of outputs of the same spatial size: an ONNX session, a
/// TorchSharp module, or an identity for tests.
/// </summary>
public interface ITileNetwork
{
    /// <summary>Output channels per tile (e.g. 3 for Cellpose: dY, dX, cell probability).</summary>
    int OutputChannels { get; }

    /// <summary>
    /// Runs <paramref name="count"/> tiles: <paramref name="input"/> is count x inputChannels x tile x tile,
    /// <paramref name="output"/> count x OutputChannels x tile x tile, both C order.
    /// </summary>
    void Run(ReadOnlySpan<float> input, int count, int inputChannels, int tileSize, Span<float> output);
}

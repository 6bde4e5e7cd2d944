using SegKit.Core.Tiling;
using static TorchSharp.torch;

namespace SegKit.Training.Training;

/// <summary>Runs a TorchSharp module on batches of tiles for <see cref="TiledPrediction"/> (evaluation mode, no gradients).</summary>
internal sealed class TorchTileNetwork(Func<Tensor, Tensor> forward, int outputChannels) : ITileNetwork
{
    public int OutputChannels => outputChannels;

    public void Run(ReadOnlySpan<float> input, int count, int inputChannels, int tileSize, Span<float> output)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor batch = tensor(input.ToArray(), [count, inputChannels, tileSize, tileSize]);
        Tensor result = forward(batch).contiguous();
        result.data<float>().CopyTo(output);
    }
}

using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SegKit.Core.Tiling;

namespace SegKit.Inference;

/// <summary>
/// An ONNX network as a tile network: input [N, C, T, T] float32, output [N, K, T, T]. Thread-safe (ONNX Runtime's
/// Run may be called concurrently on one session).
/// </summary>
public sealed class OnnxTileNetwork : ITileNetwork
{
    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly string _output;

    public OnnxTileNetwork(InferenceSession session, int outputChannels, string? inputName = null, string? outputName = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
        _input = inputName ?? session.InputMetadata.Keys.First();
        _output = outputName ?? session.OutputMetadata.Keys.First();
        OutputChannels = outputChannels;
    }

    public int OutputChannels { get; }

    public void Run(ReadOnlySpan<float> input, int count, int inputChannels, int tileSize, Span<float> output)
    {
        var tensor = new DenseTensor<float>(input.ToArray(), [count, inputChannels, tileSize, tileSize]);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_input, tensor)], [_output]);
        var result = results[0].AsTensor<float>();
        if (result.Length != output.Length)
        {
            throw new InvalidOperationException($"the network returned {result.Length} values for {count} tile(s); {output.Length} expected ([N, {OutputChannels}, {tileSize}, {tileSize}])");
        }

        if (result is DenseTensor<float> dense)
        {
            dense.Buffer.Span.CopyTo(output);
        }
        else
        {
            int i = 0;
            foreach (float v in result)
            {
                output[i++] = v;
            }
        }
    }
}

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
        int[] dimensions = session.InputMetadata[_input].Dimensions;
        FixedBatch = dimensions.Length > 0 && dimensions[0] > 0 ? dimensions[0] : null;
    }

    public int OutputChannels { get; }

    /// <summary>
    /// The batch size the graph was exported with when it is fixed (a torch.onnx.export without dynamic axes gives 1);
    /// null when any batch runs. Tiles are then run that many at a time.
    /// </summary>
    public int? FixedBatch { get; }

    /// <summary>
    /// Runs the tiles with ONNX Runtime reading <paramref name="input"/> and writing <paramref name="output"/> in
    /// place: no copy of either and no per-call array (a 3 MB batch would otherwise land on the large-object heap
    /// on every call, to be freed only by a full collection).
    /// </summary>
    public unsafe void Run(ReadOnlySpan<float> input, int count, int inputChannels, int tileSize, Span<float> output)
    {
        // A valid-padding U-Net answers each tile with a smaller centre crop: the output's side follows from its length.
        long perTile = count > 0 ? output.Length / ((long)count * OutputChannels) : 0;
        int side = (int)Math.Round(Math.Sqrt(perTile));
        if (count < 1 || (long)side * side * count * OutputChannels != output.Length || side > tileSize)
        {
            throw new ArgumentException($"the output holds {output.Length} values, not {count} tile(s) of [{OutputChannels}, S, S] with S <= {tileSize}", nameof(output));
        }

        if (input.Length != (long)count * inputChannels * tileSize * tileSize)
        {
            throw new ArgumentException($"the input holds {input.Length} values; {count} tile(s) of [{inputChannels}, {tileSize}, {tileSize}] need {(long)count * inputChannels * tileSize * tileSize}", nameof(input));
        }

        if (FixedBatch is int batch && count != batch)
        {
            RunInFixedBatches(input, count, inputChannels, tileSize, output, batch);
            return;
        }

        fixed (float* inputData = input)
        fixed (float* outputData = output)
        {
            using var inputValue = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, [count, inputChannels, tileSize, tileSize], (IntPtr)inputData, (long)input.Length * sizeof(float));
            using var outputValue = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, [count, OutputChannels, side, side], (IntPtr)outputData, (long)output.Length * sizeof(float));
            try
            {
                using var runOptions = new RunOptions();
                _session.Run(runOptions, [_input], [inputValue], [_output], [outputValue]);
            }
            catch (OnnxRuntimeException e)
            {
                // An output of another shape than [N, K, T, T] cannot be written into the caller's buffer.
                throw new InvalidOperationException($"the network cannot run {count} tile(s) of [{inputChannels}, {tileSize}, {tileSize}] into [N, {OutputChannels}, {side}, {side}]: {e.Message}", e);
            }
        }
    }

    private void RunInFixedBatches(ReadOnlySpan<float> input, int count, int inputChannels, int tileSize, Span<float> output, int batch)
    {
        int inPerTile = inputChannels * tileSize * tileSize;
        int outPerTile = output.Length / count;
        for (int first = 0; first < count; first += batch)
        {
            int n = Math.Min(batch, count - first);
            if (n == batch)
            {
                Run(input.Slice(first * inPerTile, n * inPerTile), n, inputChannels, tileSize, output.Slice(first * outPerTile, n * outPerTile));
                continue;
            }

            // The last tiles fill a batch padded with zeros; only their own outputs are kept.
            var paddedInput = new float[batch * inPerTile];
            var paddedOutput = new float[batch * outPerTile];
            input.Slice(first * inPerTile, n * inPerTile).CopyTo(paddedInput);
            Run(paddedInput, batch, inputChannels, tileSize, paddedOutput);
            paddedOutput.AsSpan(0, n * outPerTile).CopyTo(output.Slice(first * outPerTile));
        }
    }
}

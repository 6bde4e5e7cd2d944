using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SegKit.Inference;
using TorchSharp;

namespace SegKit.Export.Tests;

/// <summary>Runs an exported model through ONNX Runtime on a TorchSharp tensor and measures how far it is from TorchSharp.</summary>
internal static class OnnxParity
{
    public static (float[] Values, int[] Shape) Run(byte[] model, string inputName, string outputName, torch.Tensor input)
    {
        using var session = OnnxSessions.Open(model, "parity-test", intraOpThreads: 2);
        int[] shape = input.shape.Select(d => (int)d).ToArray();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input.data<float>().ToArray(), shape))]);
        var output = results.First(r => r.Name == outputName).AsTensor<float>();
        return (output.ToArray(), output.Dimensions.ToArray());
    }

    /// <summary>Largest |ONNX - TorchSharp|; infinity when the shapes differ.</summary>
    public static double MaxDifference(byte[] model, string inputName, string outputName, torch.Tensor input, torch.Tensor expected)
    {
        var (actual, shape) = Run(model, inputName, outputName, input);
        if (!shape.Select(d => (long)d).SequenceEqual(expected.shape))
        {
            return double.PositiveInfinity;
        }

        return expected.data<float>().ToArray().Zip(actual, (a, b) => Math.Abs((double)a - b)).Max();
    }
}

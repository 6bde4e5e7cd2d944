using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SegKit.Inference;

namespace SegKit.Interop.BioImageIo;

/// <summary>An ONNX model run once on a whole test tensor with ONNX Runtime (CPU), its outputs in graph order.</summary>
internal static class BioImageNetwork
{
    /// <exception cref="ModelFileException">ONNX Runtime cannot load the model or refuses the input, or the graph has no input.</exception>
    public static List<(string Name, float[] Data, int[] Shape)> Run(byte[] model, string source, float[] input, int[] shape)
    {
        using InferenceSession session = OpenSession(model, source);
        string inputName = session.InputMetadata.Keys.FirstOrDefault()
            ?? throw new ModelFileException("its graph has no inputs (every value is a constant); SegKit runs networks that take the image as an input", source);
        try
        {
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input, shape))]);
            return results.Select(r =>
            {
                // AsTensor gives null for another element type.
                var tensor = r.Value as Tensor<float>
                    ?? throw new ModelFileException($"its output '{r.Name}' holds {r.ElementType}, not float32 values; SegKit runs networks with float32 outputs", source);
                return (r.Name, tensor.ToArray(), tensor.Dimensions.ToArray());
            }).ToList();
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFileException($"ONNX Runtime cannot run it on a [{string.Join(", ", shape)}] input: {e.Message.Split('\n')[0]}", source, e);
        }
    }

    private static InferenceSession OpenSession(byte[] model, string source)
    {
        try
        {
            return OnnxSessions.Open(model, source, intraOpThreads: 2);
        }
        catch (ModelLoadException e)
        {
            throw new ModelFileException(e.Message.StartsWith(source, StringComparison.Ordinal) ? e.Message[source.Length..].TrimStart(':', ' ') : e.Message, source, e);
        }
    }
}

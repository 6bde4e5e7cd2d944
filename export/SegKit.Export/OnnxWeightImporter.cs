using SegKit.Onnx;
using SegKit.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegKit.Export;

/// <summary>
/// Turns an ONNX file written by <see cref="CellposeNetExporter"/> or <see cref="UNetExporter"/> back into a
/// TorchSharp network (to fine-tune a shipped model): the architecture from the file's metadata
/// (<see cref="NetworkArchitecture"/>), then every parameter and batch-norm running statistic from the initializer
/// of the same name. Nothing is loaded unless every weight fits.
/// </summary>
public static class OnnxWeightImporter
{
    /// <summary>Builds the network the file describes and loads its weights; the network is in evaluation mode.</summary>
    /// <exception cref="ModelImportException">The file's architecture or weights do not make a SegKit network.</exception>
    /// <exception cref="OnnxFormatException">The file is not readable ONNX.</exception>
    public static nn.Module Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ModelImportException("model file not found", path);
        }

        return Load(OnnxReader.ReadFile(path), path);
    }

    /// <param name="source">Names the model in error messages.</param>
    public static nn.Module Load(OnnxModel model, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchRuntime.EnsureLoaded();

        // A model stored with float16 weights (segkit export --weights fp16) trains on from their float32 values.
        OnnxWeightStorage.ToFloat32(model);
        nn.Module network = NetworkArchitecture.Build(model.Metadata, model.Graph.Initializers, source);
        try
        {
            LoadInto(network, model, source);
        }
        catch
        {
            network.Dispose();
            throw;
        }

        network.eval();
        return network;
    }

    /// <summary>
    /// Copies the file's weights into <paramref name="network"/> by state-dict name. Every parameter and running
    /// statistic must have an initializer of its shape, and every initializer that is not a graph constant must be
    /// one of the network's; batch-norm step counters are left as they are.
    /// </summary>
    /// <param name="narrow">
    /// Also accept a wider model of the same layout (depth, blocks): each weight's leading block is taken, the first k
    /// channels of every level, which keeps the residual and skip additions consistent. A warm start for a narrower
    /// network that fine-tuning then recovers, not an equivalent of the wider one.
    /// </param>
    public static void LoadInto(nn.Module network, OnnxModel model, string source, bool narrow = false)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(model);
        OnnxWeightStorage.ToFloat32(model);
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        foreach (OnnxTensor tensor in model.Graph.Initializers)
        {
            initializers[tensor.Name] = tensor;
        }

        var state = network.state_dict().Where(e => !e.Key.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToList();
        var names = state.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        string[] foreign = initializers.Keys.Where(k => !names.Contains(k) && !k.StartsWith(OnnxGraphWriter.ConstantPrefix, StringComparison.Ordinal)).ToArray();
        if (foreign.Length > 0)
        {
            throw new ModelImportException($"holds weights the {network.GetName()} has no place for: {List(foreign)}", source);
        }

        // Check everything before touching the network, so a misfit leaves it as it was.
        var values = new List<(Tensor Target, OnnxTensor Tensor)>(state.Count);
        foreach (var (name, target) in state)
        {
            if (!initializers.TryGetValue(name, out OnnxTensor? tensor))
            {
                throw new ModelImportException($"has no weight '{name}' {Shape(target.shape)}, which the {network.GetName()} needs", source);
            }

            bool fits = tensor.Dims.SequenceEqual(target.shape)
                || (narrow && tensor.Dims.Count == target.shape.Length && tensor.Dims.Zip(target.shape, (have, need) => have >= need).All(b => b));
            if (tensor.ElementType != OnnxElementType.Float || !fits)
            {
                string need = narrow ? $"Float {Shape(target.shape)} or wider in each dimension" : $"Float {Shape(target.shape)}";
                throw new ModelImportException($"weight '{name}' is {tensor.ElementType} {Shape(tensor.Dims)}, the {network.GetName()} needs {need}", source);
            }

            values.Add((target, tensor));
        }

        using var noGrad = torch.no_grad();
        foreach (var (target, tensor) in values)
        {
            using var scope = torch.NewDisposeScope();
            Tensor block = torch.tensor(tensor.ToFloats(), [.. tensor.Dims], dtype: ScalarType.Float32);
            for (int d = 0; d < target.shape.Length; d++)
            {
                block = block.narrow(d, 0, target.shape[d]);
            }

            target.copy_(block);
        }
    }

    private static string Shape(IEnumerable<long> dims) => $"[{string.Join(", ", dims)}]";

    private static string List(string[] names) => string.Join(", ", names.Take(5).Select(n => $"'{n}'")) + (names.Length > 5 ? $" and {names.Length - 5} more" : "");
}

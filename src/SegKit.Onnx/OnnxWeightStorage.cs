namespace SegKit.Onnx;

/// <summary>
/// Stores a model's convolution and matrix weights as float16 to halve the file, computing in float32 as before: each
/// such weight becomes a float16 initializer and a Cast to float32 under the weight's old name, which ONNX Runtime folds
/// into a float32 constant when the session starts (so speed is unchanged, and only the weights' rounding to 11
/// significant bits changes the outputs). <see cref="ToFloat32"/> undoes it for readers that want the weights back.
/// </summary>
public static class OnnxWeightStorage
{
    /// <summary>The metadata key that records the storage of a converted model's weights.</summary>
    public const string MetadataKey = "segkit.weights.storage";

    private const string Suffix = ".float16";

    /// <summary>
    /// Converts, in place, every float32 initializer that is the weight input (second input) of a Conv, ConvTranspose,
    /// Gemm or MatMul node; biases and normalisation statistics (a small part of the file) stay float32. Returns the
    /// number of weights converted.
    /// </summary>
    /// <exception cref="OnnxFormatException">A weight does not fit float16 (a value beyond +-65504).</exception>
    public static int ToFloat16(OnnxModel model)
    {
        _ = model ?? throw new ArgumentNullException(nameof(model));
        OnnxGraph graph = model.Graph;
        var weightNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (OnnxNode node in graph.Nodes)
        {
            if (node.OpType is "Conv" or "ConvTranspose" or "Gemm" or "MatMul" && node.Domain.Length == 0 && node.Inputs.Count > 1)
            {
                weightNames.Add(node.Inputs[1]);
            }
        }

        var casts = new List<OnnxNode>();
        for (int i = 0; i < graph.Initializers.Count; i++)
        {
            OnnxTensor tensor = graph.Initializers[i];
            if (tensor.ElementType != OnnxElementType.Float || !weightNames.Contains(tensor.Name))
            {
                continue;
            }

            float[] values = tensor.ToFloats();
            var bytes = new byte[values.Length * 2];
            for (int k = 0; k < values.Length; k++)
            {
                ushort h = HalfBits.FromSingle(values[k]);
                if ((h & 0x7FFF) == 0x7C00 && !float.IsInfinity(values[k]))
                {
                    throw new OnnxFormatException(null, $"weight '{tensor.Name}' holds {values[k]}, beyond float16's range");
                }

                bytes[2 * k] = (byte)h;
                bytes[(2 * k) + 1] = (byte)(h >> 8);
            }

            string stored = tensor.Name + Suffix;
            graph.Initializers[i] = new OnnxTensor(stored, OnnxElementType.Float16, tensor.Dims, bytes);
            var cast = new OnnxNode("Cast", [stored], [tensor.Name]) { Name = "cast_" + tensor.Name };
            cast.Attributes.Add(OnnxAttribute.Of("to", (long)OnnxElementType.Float));
            casts.Add(cast);
        }

        // The casts read only initializers, so they may all come first in topological order.
        graph.Nodes.InsertRange(0, casts);
        if (casts.Count > 0)
        {
            model.Metadata[MetadataKey] = "float16";
        }

        return casts.Count;
    }

    /// <summary>
    /// Undoes <see cref="ToFloat16"/> in place: every Cast to float32 of a float16 initializer becomes a float32
    /// initializer under the Cast's output name (the values as stored, widened exactly). Returns the number restored.
    /// </summary>
    public static int ToFloat32(OnnxModel model)
    {
        _ = model ?? throw new ArgumentNullException(nameof(model));
        OnnxGraph graph = model.Graph;
        var halves = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < graph.Initializers.Count; i++)
        {
            if (graph.Initializers[i].ElementType == OnnxElementType.Float16)
            {
                halves[graph.Initializers[i].Name] = i;
            }
        }

        int restored = 0;
        var removed = new HashSet<int>();
        for (int n = graph.Nodes.Count - 1; n >= 0; n--)
        {
            OnnxNode node = graph.Nodes[n];
            if (node.OpType != "Cast" || node.Inputs.Count != 1 || node.Outputs.Count != 1 || !halves.TryGetValue(node.Inputs[0], out int at)
                || node.Attributes.FirstOrDefault(a => a.Name == "to") is not { Int: (long)OnnxElementType.Float })
            {
                continue;
            }

            OnnxTensor half = graph.Initializers[at];
            byte[] raw = half.RawData;
            var values = new float[raw.Length / 2];
            for (int k = 0; k < values.Length; k++)
            {
                values[k] = HalfBits.ToSingle(BitConverter.ToUInt16(raw, 2 * k));
            }

            graph.Initializers.Add(OnnxTensor.FromFloats(node.Outputs[0], values, [.. half.Dims]));
            removed.Add(at);
            graph.Nodes.RemoveAt(n);
            restored++;
        }

        foreach (int at in removed.OrderByDescending(i => i))
        {
            graph.Initializers.RemoveAt(at);
        }

        if (restored > 0)
        {
            model.Metadata.Remove(MetadataKey);
        }

        return restored;
    }
}

namespace SegKit.Onnx;

/// <summary>
/// Builds an <see cref="OnnxGraph"/> node by node: inputs, weights (initializers), operators and outputs,
/// then <see cref="ToModel"/> wraps it with IR 8, opset 17 and the metadata.
/// </summary>
public sealed class GraphBuilder
{
    private readonly OnnxGraph _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public GraphBuilder(string name)
    {
        _graph = new OnnxGraph { Name = name };
    }

    public OnnxGraph Graph => _graph;

    /// <summary>Declares a graph input; dimensions are sizes or symbolic names, e.g. <c>Input("x", Float, "N", 2, 256, 256)</c>.</summary>
    public string Input(string name, OnnxElementType elementType, params OnnxDimension[] shape)
    {
        Claim(name);
        _graph.Inputs.Add(new OnnxValueInfo(name, elementType, shape));
        return name;
    }

    /// <summary>Declares a graph output; the value must be produced by a node.</summary>
    public string Output(string name, OnnxElementType elementType, params OnnxDimension[] shape)
    {
        if (!_names.Contains(name))
            throw new ArgumentException($"No node produces '{name}'.", nameof(name));
        _graph.Outputs.Add(new OnnxValueInfo(name, elementType, shape));
        return name;
    }

    public string Initializer(string name, float[] data, params long[] dims) => Initializer(OnnxTensor.FromFloats(name, data, dims));

    public string Initializer(string name, long[] data, params long[] dims) => Initializer(OnnxTensor.FromInt64s(name, data, dims));

    public string Initializer(OnnxTensor tensor)
    {
        Claim(tensor.Name);
        _graph.Initializers.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node; inputs must already exist (or be "" for an omitted optional input).</summary>
    public OnnxNode Node(string opType, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
    {
        foreach (var input in inputs)
        {
            if (input.Length > 0 && !_names.Contains(input))
                throw new ArgumentException($"{opType} input '{input}' is not defined yet (graph nodes must be in topological order).", nameof(inputs));
        }
        foreach (var output in outputs)
            Claim(output);
        var node = new OnnxNode(opType, inputs, outputs) { Name = $"{opType}_{_graph.Nodes.Count}" };
        node.Attributes.AddRange(attributes);
        _graph.Nodes.Add(node);
        return node;
    }

    /// <summary>Adds a single-output node and returns the output's name.</summary>
    public string Node(string opType, string[] inputs, string output, params OnnxAttribute[] attributes) =>
        Node(opType, inputs, [output], attributes).Outputs[0];

    public OnnxModel ToModel(IReadOnlyDictionary<string, string>? metadata = null, long opset = OnnxModel.DefaultOpset)
    {
        var model = new OnnxModel(_graph) { ProducerName = "SegKit" };
        model.OpsetImports.Add(new OnnxOpsetImport("", opset));
        if (metadata is not null)
        {
            foreach (var entry in metadata)
                model.Metadata.Add(entry.Key, entry.Value);
        }
        return model;
    }

    private void Claim(string name)
    {
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException("Value names must not be empty.", nameof(name));
        if (!_names.Add(name))
            throw new ArgumentException($"'{name}' is already defined (ONNX values are assigned once).", nameof(name));
    }
}

namespace SegKit.Onnx;

/// <summary>GraphProto: nodes in topological order, the weights (initializers) and the graph's interface.</summary>
public sealed class OnnxGraph
{
    public string Name { get; set; } = "";

    public string DocString { get; set; } = "";

    public List<OnnxNode> Nodes { get; } = [];

    public List<OnnxTensor> Initializers { get; } = [];

    public List<OnnxValueInfo> Inputs { get; } = [];

    public List<OnnxValueInfo> Outputs { get; } = [];

    public List<OnnxValueInfo> ValueInfos { get; } = [];
}

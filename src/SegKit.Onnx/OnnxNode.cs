namespace SegKit.Onnx;

/// <summary>NodeProto: one operator call; an empty input name marks an omitted optional input.</summary>
public sealed class OnnxNode
{
    public OnnxNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs)
    {
        OpType = opType;
        Inputs = inputs;
        Outputs = outputs;
    }

    public string OpType { get; }

    public IReadOnlyList<string> Inputs { get; }

    public IReadOnlyList<string> Outputs { get; }

    public string Name { get; set; } = "";

    public string Domain { get; set; } = "";

    public string DocString { get; set; } = "";

    public List<OnnxAttribute> Attributes { get; } = [];

    public override string ToString() => $"{Name} {OpType}({string.Join(", ", Inputs)}) -> {string.Join(", ", Outputs)}";
}

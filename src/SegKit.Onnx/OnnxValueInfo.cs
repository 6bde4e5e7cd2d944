namespace SegKit.Onnx;

/// <summary>ValueInfoProto for a tensor: a graph input, output or intermediate value with type and shape.</summary>
public sealed class OnnxValueInfo
{
    public OnnxValueInfo(string name, OnnxElementType elementType, IReadOnlyList<OnnxDimension>? shape)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
    }

    public string Name { get; }

    public OnnxElementType ElementType { get; }

    /// <summary>The shape, or null when the model leaves even the rank open.</summary>
    public IReadOnlyList<OnnxDimension>? Shape { get; }

    public string? DocString { get; set; }

    public override string ToString() =>
        $"{Name}: {ElementType}[{(Shape is null ? "?" : string.Join(",", Shape))}]";
}

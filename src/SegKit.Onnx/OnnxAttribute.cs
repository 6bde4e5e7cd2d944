namespace SegKit.Onnx;

/// <summary>AttributeProto: a named constant parameter of a node (kernel_shape, pads, mode, ...).</summary>
public sealed class OnnxAttribute
{
    private OnnxAttribute(string name, OnnxAttributeType type)
    {
        Name = name;
        Type = type;
    }

    public string Name { get; }

    public OnnxAttributeType Type { get; }

    public float Float { get; private set; }

    public long Int { get; private set; }

    public string String { get; private set; } = "";

    public OnnxTensor? Tensor { get; private set; }

    public IReadOnlyList<float> Floats { get; private set; } = [];

    public IReadOnlyList<long> Ints { get; private set; } = [];

    public IReadOnlyList<string> Strings { get; private set; } = [];

    public static OnnxAttribute Of(string name, float value) => new(name, OnnxAttributeType.Float) { Float = value };

    public static OnnxAttribute Of(string name, long value) => new(name, OnnxAttributeType.Int) { Int = value };

    public static OnnxAttribute Of(string name, string value) => new(name, OnnxAttributeType.String) { String = value };

    public static OnnxAttribute Of(string name, OnnxTensor value) => new(name, OnnxAttributeType.Tensor) { Tensor = value };

    public static OnnxAttribute Of(string name, params float[] values) => new(name, OnnxAttributeType.Floats) { Floats = values };

    public static OnnxAttribute Of(string name, params long[] values) => new(name, OnnxAttributeType.Ints) { Ints = values };

    public static OnnxAttribute Of(string name, params string[] values) => new(name, OnnxAttributeType.Strings) { Strings = values };

    public override string ToString() => Type switch
    {
        OnnxAttributeType.Float => $"{Name}={Float}",
        OnnxAttributeType.Int => $"{Name}={Int}",
        OnnxAttributeType.String => $"{Name}=\"{String}\"",
        OnnxAttributeType.Tensor => $"{Name}={Tensor}",
        OnnxAttributeType.Floats => $"{Name}=[{string.Join(",", Floats)}]",
        OnnxAttributeType.Ints => $"{Name}=[{string.Join(",", Ints)}]",
        OnnxAttributeType.Strings => $"{Name}=[{string.Join(",", Strings)}]",
        _ => Name,
    };
}

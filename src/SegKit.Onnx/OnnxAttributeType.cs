namespace SegKit.Onnx;

/// <summary>AttributeProto.AttributeType (numbers as in onnx.proto).</summary>
public enum OnnxAttributeType
{
    Undefined = 0,
    Float = 1,
    Int = 2,
    String = 3,
    Tensor = 4,
    Floats = 6,
    Ints = 7,
    Strings = 8,
}

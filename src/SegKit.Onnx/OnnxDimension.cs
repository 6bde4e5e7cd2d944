namespace SegKit.Onnx;

/// <summary>
/// One dimension of a value's shape: a fixed size, a symbolic name (dim_param, e.g. a batch "N"),
/// or unknown (neither).
/// </summary>
public readonly record struct OnnxDimension(long? Value, string? Param)
{
    public static OnnxDimension Unknown => default;

    public bool IsSymbolic => Param is not null;

    public static implicit operator OnnxDimension(long value) => new(value, null);

    public static implicit operator OnnxDimension(string param) => new(null, param);

    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Param ?? "?";
}

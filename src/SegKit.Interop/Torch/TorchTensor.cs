namespace SegKit.Interop.Torch;

/// <summary>A tensor read from a PyTorch file: its shape and its values, floats as float32 and integers as int64.</summary>
public sealed class TorchTensor
{
    internal TorchTensor(long[] shape, TorchDataType storedAs, float[]? floats, long[]? integers)
    {
        Shape = shape;
        StoredAs = storedAs;
        Floats = floats;
        Integers = integers;
    }

    public IReadOnlyList<long> Shape { get; }

    /// <summary>The element type in the file.</summary>
    public TorchDataType StoredAs { get; }

    /// <summary>The values in row-major order, for a floating-point tensor; null for an integer one.</summary>
    public float[]? Floats { get; }

    /// <summary>The values in row-major order, for an integer tensor; null for a floating-point one.</summary>
    public long[]? Integers { get; }

    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}

namespace SegKit.Onnx;

/// <summary>
/// TensorProto: a named constant tensor (an initializer or a tensor attribute), held as little-endian raw bytes,
/// the way the writer stores it (raw_data).
/// </summary>
public sealed class OnnxTensor
{
    public OnnxTensor(string name, OnnxElementType elementType, IReadOnlyList<long> dims, byte[] rawData)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; big-endian hosts are not supported.");
        Name = name;
        ElementType = elementType;
        Dims = dims;
        RawData = rawData;
    }

    public string Name { get; }

    public OnnxElementType ElementType { get; }

    public IReadOnlyList<long> Dims { get; }

    public byte[] RawData { get; }

    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var d in Dims)
                count *= d;
            return count;
        }
    }

    public static OnnxTensor FromFloats(string name, float[] data, params long[] dims) =>
        new(name, OnnxElementType.Float, CheckedDims(data.Length, dims), ToBytes(data, 4));

    public static OnnxTensor FromInt64s(string name, long[] data, params long[] dims) =>
        new(name, OnnxElementType.Int64, CheckedDims(data.Length, dims), ToBytes(data, 8));

    public float[] ToFloats() => FromBytes<float>(OnnxElementType.Float, 4);

    public long[] ToInt64s() => FromBytes<long>(OnnxElementType.Int64, 8);

    public override string ToString() => $"{Name}: {ElementType}[{string.Join(",", Dims)}]";

    private static long[] CheckedDims(int length, long[] dims)
    {
        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0)
                throw new ArgumentException($"Dimension {d} is negative.", nameof(dims));
            count *= d;
        }
        if (count != length)
            throw new ArgumentException($"Dimensions [{string.Join(",", dims)}] hold {count} elements but the data has {length}.", nameof(dims));
        return dims;
    }

    private static byte[] ToBytes(Array data, int elementSize)
    {
        var bytes = new byte[data.Length * elementSize];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    private T[] FromBytes<T>(OnnxElementType expected, int elementSize)
        where T : struct
    {
        if (ElementType != expected)
            throw new InvalidOperationException($"Tensor '{Name}' holds {ElementType}, not {expected}.");
        var values = new T[RawData.Length / elementSize];
        Buffer.BlockCopy(RawData, 0, values, 0, values.Length * elementSize);
        return values;
    }
}

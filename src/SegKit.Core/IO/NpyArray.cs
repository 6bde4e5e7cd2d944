namespace SegKit.Core.IO;

/// <summary>
/// An n-dimensional array read from or written to a NumPy .npy file: its shape, its NumPy dtype code
/// (e.g. "&lt;f4") and the values in C order as a typed .NET array (float[], double[], int[], ushort[], ...).
/// </summary>
public sealed class NpyArray
{
    public NpyArray(string dtype, int[] shape, Array values)
    {
        ArgumentNullException.ThrowIfNull(dtype);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException("shape dimensions must be non-negative", nameof(shape));
            }

            count *= d;
        }

        if (values.Length != count)
        {
            throw new ArgumentException($"{values.Length} values do not fill shape [{string.Join(", ", shape)}]", nameof(values));
        }

        DType = dtype;
        Shape = shape;
        Values = values;
    }

    public string DType { get; }

    public int[] Shape { get; }

    public Array Values { get; }

    public int Length => Values.Length;

    /// <summary>The values as float32 (integers and float64 converted; float32 returned without a copy).</summary>
    public float[] ToSingle() => Values switch
    {
        float[] f => f,
        double[] d => Array.ConvertAll(d, v => (float)v),
        _ => Convert(v => (float)v),
    };

    /// <summary>The values as float64.</summary>
    public double[] ToDouble() => Values switch
    {
        double[] d => d,
        float[] f => Array.ConvertAll(f, v => (double)v),
        _ => Convert(v => v),
    };

    /// <summary>The values as int32; throws when a value is not an integer in int32's range.</summary>
    public int[] ToInt32()
    {
        switch (Values)
        {
            case int[] i:
                return i;
            case float[] or double[]:
                throw new InvalidDataException($"array of dtype {DType} holds floating-point values, not integers");
        }

        var result = new int[Length];
        for (int i = 0; i < result.Length; i++)
        {
            double v = ValueAt(i);
            if (v is < int.MinValue or > int.MaxValue)
            {
                throw new InvalidDataException($"value {v} at index {i} does not fit in int32");
            }

            result[i] = (int)v;
        }

        return result;
    }

    private T[] Convert<T>(Func<double, T> convert)
    {
        var result = new T[Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = convert(ValueAt(i));
        }

        return result;
    }

    private double ValueAt(int i) => Values switch
    {
        byte[] a => a[i],
        sbyte[] a => a[i],
        short[] a => a[i],
        ushort[] a => a[i],
        int[] a => a[i],
        uint[] a => a[i],
        long[] a => a[i],
        ulong[] a => a[i],
        float[] a => a[i],
        double[] a => a[i],
        bool[] a => a[i] ? 1 : 0,
        _ => throw new InvalidDataException($"unsupported value type {Values.GetType()}"),
    };
}

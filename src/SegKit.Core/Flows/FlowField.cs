namespace SegKit.Core.Flows;

/// <summary>
/// A 2-D vector field over an image, Cellpose's layout: [2, H, W] float32 in C order, plane 0 = dY (rows),
/// plane 1 = dX (columns). Flows from masks are unit vectors inside objects and 0 on background; network
/// output is the same field scaled by 5.
/// </summary>
public sealed class FlowField
{
    private readonly float[] _data;

    public FlowField(int height, int width)
        : this(height, width, new float[CheckedLength(height, width)])
    {
    }

    /// <summary>Wraps <paramref name="data"/> (not copied); its length must be 2 * height * width.</summary>
    public FlowField(int height, int width, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int length = CheckedLength(height, width);
        if (data.Length != length)
        {
            throw new ShapeMismatchException($"flow data has {data.Length} values; a [2, {height}, {width}] field needs {length}");
        }

        Height = height;
        Width = width;
        _data = data;
    }

    /// <summary>
    /// A field over the first two planes of <paramref name="planes"/> (e.g. a network's [3, H, W] output), not copied:
    /// <see cref="Buffer"/> is then longer than the field (<see cref="Data"/> is exactly the field).
    /// </summary>
    internal static FlowField ViewOf(int height, int width, float[] planes)
    {
        ArgumentNullException.ThrowIfNull(planes);
        int length = CheckedLength(height, width);
        if (planes.Length < length)
        {
            throw new ShapeMismatchException($"{planes.Length} values cannot hold a [2, {height}, {width}] field");
        }

        return new FlowField(height, width, planes, view: true);
    }

    private FlowField(int height, int width, float[] data, bool view)
    {
        _ = view;
        Height = height;
        Width = width;
        _data = data;
    }

    public int Height { get; }

    public int Width { get; }

    /// <summary>Pixels in one plane (height * width).</summary>
    public int PlaneSize => Height * Width;

    /// <summary>Both planes, dY first.</summary>
    public Span<float> Data => _data.AsSpan(0, 2 * PlaneSize);

    /// <summary>
    /// The underlying array (not a copy). The field is its first 2 * <see cref="PlaneSize"/> values; a field that is a
    /// view of a network's output (the flows of a <c>CellposeOutput</c>) has the cell probability after them.
    /// </summary>
    public float[] Buffer => _data;

    /// <summary>The row component, row-major.</summary>
    public Span<float> DY => _data.AsSpan(0, PlaneSize);

    /// <summary>The column component, row-major.</summary>
    public Span<float> DX => _data.AsSpan(PlaneSize, PlaneSize);

    /// <summary>
    /// Wraps an array shaped like Cellpose's flows, <paramref name="shape"/> = [2, H, W]; any other shape is a
    /// <see cref="ShapeMismatchException"/>.
    /// </summary>
    public static FlowField FromArray(float[] data, IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count != 3 || shape[0] != 2 || shape[1] <= 0 || shape[2] <= 0)
        {
            throw new ShapeMismatchException($"flows must be shaped [2, H, W]; got [{string.Join(", ", shape)}]");
        }

        return new FlowField(shape[1], shape[2], data);
    }

    /// <summary>A copy with every component multiplied by <paramref name="factor"/> (5 turns unit flows into network-style output).</summary>
    public FlowField Scaled(float factor)
    {
        var result = new float[2 * PlaneSize];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = _data[i] * factor;
        }

        return new FlowField(Height, Width, result);
    }

    /// <summary>A copy of the field that owns its array (of exactly 2 * <see cref="PlaneSize"/> values).</summary>
    public FlowField Clone() => new(Height, Width, Data.ToArray());

    private static int CheckedLength(int height, int width)
    {
        if (height <= 0 || width <= 0)
        {
            throw new ArgumentException($"flow field dimensions must be positive, got {height}x{width}");
        }

        long length = 2L * height * width;
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"flow field 2x{height}x{width} is too large for one array");
        }

        return (int)length;
    }
}

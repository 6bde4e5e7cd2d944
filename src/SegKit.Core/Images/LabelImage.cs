namespace SegKit.Core.Images;

/// <summary>
/// An instance label image: one int per pixel, row-major, 0 = background, objects numbered 1..N
/// (gaps are allowed until <see cref="Renumber"/> closes them).
/// </summary>
public sealed class LabelImage
{
    private readonly int[] _data;

    public LabelImage(int height, int width)
        : this(height, width, new int[CheckedLength(height, width)])
    {
    }

    /// <summary>Wraps <paramref name="data"/> (not copied). Negative labels are rejected.</summary>
    public LabelImage(int height, int width, int[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int length = CheckedLength(height, width);
        if (data.Length != length)
        {
            throw new ArgumentException($"data has {data.Length} values; {height}x{width} needs {length}", nameof(data));
        }

        int max = 0;
        for (int i = 0; i < data.Length; i++)
        {
            int v = data[i];
            if (v < 0)
            {
                throw new InvalidImageException($"label image has a negative label ({v}) at pixel ({i / width},{i % width})");
            }

            if (v > max)
            {
                max = v;
            }
        }

        Height = height;
        Width = width;
        _data = data;
        MaxLabel = max;
    }

    /// <summary>Wraps <paramref name="data"/> whose largest label the caller knows (no scan, no check): for labels SegKit built itself.</summary>
    internal LabelImage(int height, int width, int[] data, int maxLabel)
    {
        Height = height;
        Width = width;
        _data = data;
        MaxLabel = maxLabel;
    }

    public int Height { get; }

    public int Width { get; }

    public int PixelCount => _data.Length;

    /// <summary>The largest label present (0 for an empty image). Equals the object count once renumbered.</summary>
    public int MaxLabel { get; private set; }

    /// <summary>Labels, row-major. Writing through this span bypasses the non-negative check; call <see cref="Refresh"/> after.</summary>
    public Span<int> Data => _data;

    /// <summary>The underlying array (not a copy).</summary>
    public int[] Buffer => _data;

    public int this[int y, int x]
    {
        get => _data[Index(y, x)];
        set
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "labels are non-negative");
            }

            _data[Index(y, x)] = value;
            if (value > MaxLabel)
            {
                MaxLabel = value;
            }
        }
    }

    public ReadOnlySpan<int> Row(int y) => _data.AsSpan(y * Width, Width);

    /// <summary>Recomputes <see cref="MaxLabel"/> after writes through <see cref="Data"/>, and checks no label is negative.</summary>
    public void Refresh()
    {
        int max = 0;
        foreach (int v in _data)
        {
            if (v < 0)
            {
                throw new InvalidImageException($"label image has a negative label ({v})");
            }

            max = Math.Max(max, v);
        }

        MaxLabel = max;
    }

    /// <summary>How many distinct non-zero labels there are.</summary>
    public int CountObjects()
    {
        if (MaxLabel == 0)
        {
            return 0;
        }

        var seen = new bool[MaxLabel + 1];
        int count = 0;
        foreach (int v in _data)
        {
            if (v != 0 && !seen[v])
            {
                seen[v] = true;
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// A copy with objects numbered 1..N in raster order of their first pixel (the order Cellpose's fixtures and
    /// fastremap.renumber use), closing gaps.
    /// </summary>
    public LabelImage Renumber()
    {
        var map = new int[MaxLabel + 1];
        int next = 0;
        var result = new int[_data.Length];
        for (int i = 0; i < _data.Length; i++)
        {
            int v = _data[i];
            if (v == 0)
            {
                continue;
            }

            int m = map[v];
            if (m == 0)
            {
                m = map[v] = ++next;
            }

            result[i] = m;
        }

        return new LabelImage(Height, Width, result);
    }

    /// <summary>
    /// A copy with every label v replaced by <paramref name="mapping"/>[v] (0 stays 0 unless mapped otherwise).
    /// Labels beyond the mapping become 0.
    /// </summary>
    public LabelImage Relabel(ReadOnlySpan<int> mapping)
    {
        var result = new int[_data.Length];
        for (int i = 0; i < _data.Length; i++)
        {
            int v = _data[i];
            result[i] = v < mapping.Length ? mapping[v] : 0;
        }

        return new LabelImage(Height, Width, result);
    }

    /// <summary>Area, bounding box and centroid of every object present, in one pass, ordered by label.</summary>
    public IReadOnlyList<LabelObject> Objects()
    {
        int n = MaxLabel;
        var area = new long[n + 1];
        var sumY = new double[n + 1];
        var sumX = new double[n + 1];
        var top = new int[n + 1];
        var left = new int[n + 1];
        var bottom = new int[n + 1];
        var right = new int[n + 1];
        Array.Fill(top, int.MaxValue);
        Array.Fill(left, int.MaxValue);
        Array.Fill(bottom, -1);
        Array.Fill(right, -1);
        for (int y = 0; y < Height; y++)
        {
            ReadOnlySpan<int> row = Row(y);
            for (int x = 0; x < row.Length; x++)
            {
                int v = row[x];
                if (v == 0)
                {
                    continue;
                }

                area[v]++;
                sumY[v] += y;
                sumX[v] += x;
                if (y < top[v])
                {
                    top[v] = y;
                }

                bottom[v] = y;
                if (x < left[v])
                {
                    left[v] = x;
                }

                if (x > right[v])
                {
                    right[v] = x;
                }
            }
        }

        var objects = new List<LabelObject>();
        for (int v = 1; v <= n; v++)
        {
            if (area[v] == 0)
            {
                continue;
            }

            objects.Add(new LabelObject(v, area[v], new BoundingBox(top[v], left[v], bottom[v] - top[v] + 1, right[v] - left[v] + 1), sumY[v] / area[v], sumX[v] / area[v]));
        }

        return objects;
    }

    /// <summary>Cellpose's object size: the diameter of a disc with the median object area; null when there are no objects.</summary>
    public double? MedianDiameter()
    {
        long[] areas = Objects().Select(o => o.Area).Order().ToArray();
        if (areas.Length == 0)
        {
            return null;
        }

        double median = areas.Length % 2 == 1 ? areas[areas.Length / 2] : (areas[(areas.Length / 2) - 1] + areas[areas.Length / 2]) / 2.0;
        return 2 * Math.Sqrt(median / Math.PI);
    }

    public LabelImage Clone() => new(Height, Width, (int[])_data.Clone());

    private int Index(int y, int x)
    {
        if ((uint)y >= (uint)Height || (uint)x >= (uint)Width)
        {
            throw new ArgumentOutOfRangeException(nameof(y), $"({y},{x}) is outside {Height}x{Width}");
        }

        return (y * Width) + x;
    }

    private static int CheckedLength(int height, int width)
    {
        if (height <= 0 || width <= 0)
        {
            throw new ArgumentException($"label image dimensions must be positive, got {height}x{width}");
        }

        long length = (long)height * width;
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"label image {height}x{width} is too large for one array");
        }

        return (int)length;
    }
}

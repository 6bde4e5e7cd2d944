using SegKit.Core.Images;

namespace SegKit.Core.Classical;

/// <summary>
/// h-maxima markers: the regional maxima of the morphological reconstruction by dilation of (f - h) under f.
/// A peak survives only if it rises at least h above every path to a higher peak, so the bumps of a ragged
/// distance map do not split one nucleus, while two nuclei joined by a neck (a dip deeper than h) get a marker each.
/// </summary>
public static class RegionalMaxima
{
    /// <summary>Labels (1..N, 8-connected plateaus) of the h-maxima of <paramref name="values"/> within <paramref name="mask"/>.</summary>
    public static LabelImage HMaxima(ReadOnlySpan<float> values, ReadOnlySpan<bool> mask, int height, int width, float h)
    {
        if (values.Length != height * width || mask.Length != values.Length)
        {
            throw new ArgumentException($"values and mask must both hold {height}x{width} values");
        }

        if (!(h >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(h), h, "h must be zero or positive");
        }

        var f = new float[values.Length];
        var j = new float[values.Length];
        for (int i = 0; i < f.Length; i++)
        {
            f[i] = mask[i] && float.IsFinite(values[i]) ? values[i] : float.NegativeInfinity;
            j[i] = f[i] - h;
        }

        Reconstruct(j, f, height, width);
        return Maxima(j, height, width);
    }

    /// <summary>Vincent's hybrid reconstruction by dilation of <paramref name="marker"/> (in place) under <paramref name="limit"/>.</summary>
    private static void Reconstruct(float[] marker, float[] limit, int height, int width)
    {
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                float m = marker[i];
                if (x > 0)
                {
                    m = Math.Max(m, marker[i - 1]);
                }

                if (y > 0)
                {
                    m = Math.Max(m, marker[i - width]);
                    if (x > 0)
                    {
                        m = Math.Max(m, marker[i - width - 1]);
                    }

                    if (x < width - 1)
                    {
                        m = Math.Max(m, marker[i - width + 1]);
                    }
                }

                marker[i] = Math.Min(m, limit[i]);
            }
        }

        var queue = new Queue<int>();
        for (int y = height - 1; y >= 0; y--)
        {
            for (int x = width - 1; x >= 0; x--)
            {
                int i = (y * width) + x;
                float m = marker[i];
                if (x < width - 1)
                {
                    m = Math.Max(m, marker[i + 1]);
                }

                if (y < height - 1)
                {
                    m = Math.Max(m, marker[i + width]);
                    if (x < width - 1)
                    {
                        m = Math.Max(m, marker[i + width + 1]);
                    }

                    if (x > 0)
                    {
                        m = Math.Max(m, marker[i + width - 1]);
                    }
                }

                m = Math.Min(m, limit[i]);
                marker[i] = m;
                if ((x < width - 1 && Pending(i + 1)) || (y < height - 1 && (Pending(i + width)
                    || (x < width - 1 && Pending(i + width + 1)) || (x > 0 && Pending(i + width - 1)))))
                {
                    queue.Enqueue(i);
                }

                bool Pending(int q) => marker[q] < m && marker[q] < limit[q];
            }
        }

        Span<int> around = stackalloc int[8];
        while (queue.TryDequeue(out int p))
        {
            foreach (int q in around[..Neighbours(p, height, width, around)])
            {
                if (marker[q] < marker[p] && limit[q] != marker[q])
                {
                    marker[q] = Math.Min(marker[p], limit[q]);
                    queue.Enqueue(q);
                }
            }
        }
    }

    /// <summary>Plateaus (8-connected, equal value, finite) with no strictly higher neighbour.</summary>
    private static LabelImage Maxima(float[] v, int height, int width)
    {
        var visited = new bool[v.Length];
        var labels = new int[v.Length];
        var plateau = new List<int>();
        var stack = new Stack<int>();
        Span<int> around = stackalloc int[8];
        int next = 0;
        for (int start = 0; start < v.Length; start++)
        {
            if (visited[start] || float.IsNegativeInfinity(v[start]))
            {
                continue;
            }

            float level = v[start];
            bool isMaximum = true;
            plateau.Clear();
            stack.Push(start);
            visited[start] = true;
            while (stack.TryPop(out int p))
            {
                plateau.Add(p);
                foreach (int q in around[..Neighbours(p, height, width, around)])
                {
                    if (v[q] > level)
                    {
                        isMaximum = false;
                    }
                    else if (v[q] == level && !visited[q])
                    {
                        visited[q] = true;
                        stack.Push(q);
                    }
                }
            }

            if (isMaximum)
            {
                next++;
                foreach (int p in plateau)
                {
                    labels[p] = next;
                }
            }
        }

        return new LabelImage(height, width, labels).Renumber();
    }

    /// <summary>Writes the in-image 8-neighbours of pixel <paramref name="p"/> into <paramref name="into"/>; returns how many.</summary>
    private static int Neighbours(int p, int height, int width, Span<int> into)
    {
        int py = p / width;
        int px = p % width;
        int n = 0;
        for (int dy = -1; dy <= 1; dy++)
        {
            for (int dx = -1; dx <= 1; dx++)
            {
                int qy = py + dy;
                int qx = px + dx;
                if ((dy != 0 || dx != 0) && (uint)qy < (uint)height && (uint)qx < (uint)width)
                {
                    into[n++] = (qy * width) + qx;
                }
            }
        }

        return n;
    }
}

namespace SegKit.Core.Classical;

/// <summary>
/// Exact Euclidean distance transform (Felzenszwalb and Huttenlocher's separable lower-envelope method, linear
/// time): for every foreground pixel the distance to the nearest background pixel; background is 0. Outside
/// the image counts as foreground, so objects cut by the border are not cut short.
/// </summary>
public static class DistanceTransform
{
    public static float[] Euclidean(ReadOnlySpan<bool> foreground, int height, int width)
    {
        if (foreground.Length != height * width)
        {
            throw new ArgumentException($"mask has {foreground.Length} values, not {height}x{width}", nameof(foreground));
        }

        const float Far = 1e20f;
        var squared = new float[foreground.Length];
        for (int i = 0; i < squared.Length; i++)
        {
            squared[i] = foreground[i] ? Far : 0f;
        }

        // Columns, then rows: each pass is a 1-D transform of squared distances.
        Parallel.For(0, width, () => new Scratch(Math.Max(height, width)), (x, _, s) =>
        {
            for (int y = 0; y < height; y++)
            {
                s.F[y] = squared[(y * width) + x];
            }

            Transform1D(s, height);
            for (int y = 0; y < height; y++)
            {
                squared[(y * width) + x] = s.D[y];
            }

            return s;
        }, _ => { });
        Parallel.For(0, height, () => new Scratch(Math.Max(height, width)), (y, _, s) =>
        {
            squared.AsSpan(y * width, width).CopyTo(s.F);
            Transform1D(s, width);
            Span<float> row = squared.AsSpan(y * width, width);
            for (int x = 0; x < width; x++)
            {
                row[x] = MathF.Sqrt(s.D[x]);
            }

            return s;
        }, _ => { });
        return squared;
    }

    private static void Transform1D(Scratch s, int n)
    {
        float[] f = s.F;
        int[] v = s.V;
        float[] z = s.Z;
        int k = 0;
        int first = -1;
        for (int q = 0; q < n; q++)
        {
            if (f[q] < 1e19f)
            {
                first = q;
                break;
            }
        }

        if (first < 0)
        {
            // No background on this line: everything stays "far" (resolved by the other pass, or truly far).
            Array.Copy(f, s.D, n);
            return;
        }

        v[0] = first;
        z[0] = float.NegativeInfinity;
        z[1] = float.PositiveInfinity;
        for (int q = first + 1; q < n; q++)
        {
            if (f[q] >= 1e19f)
            {
                continue;
            }

            float sIntersect;
            while (true)
            {
                int p = v[k];
                sIntersect = ((f[q] + (q * (float)q)) - (f[p] + (p * (float)p))) / (2f * (q - p));
                if (sIntersect <= z[k] && k > 0)
                {
                    k--;
                    continue;
                }

                break;
            }

            if (sIntersect <= z[k])
            {
                // k == 0 and the new parabola dominates everywhere.
                v[0] = q;
                z[1] = float.PositiveInfinity;
                continue;
            }

            k++;
            v[k] = q;
            z[k] = sIntersect;
            z[k + 1] = float.PositiveInfinity;
        }

        k = 0;
        for (int q = 0; q < n; q++)
        {
            while (z[k + 1] < q)
            {
                k++;
            }

            float d = q - v[k];
            s.D[q] = (d * d) + f[v[k]];
        }
    }

    private sealed class Scratch(int n)
    {
        public float[] F { get; } = new float[n];

        public float[] D { get; } = new float[n];

        public int[] V { get; } = new int[n];

        public float[] Z { get; } = new float[n + 1];
    }
}

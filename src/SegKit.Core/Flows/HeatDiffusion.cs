using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SegKit.Core.Images;

namespace SegKit.Core.Flows;

/// <summary>
/// Cellpose v3's flow target for one object (masks_to_flows_cpu): heat diffusion in the object's bounding box
/// padded by one pixel, from the object pixel nearest its mean position, for twice the padded box's height
/// plus width iterations; each iteration adds 1 at the source, then replaces every object pixel by the mean
/// of its 3x3 neighbourhood (Jacobi update; pixels outside the object stay 0). The flow is the central
/// difference of the result, normalised to unit length.
/// </summary>
/// <remarks>
/// The arithmetic is float64 and sums the 9 neighbours in Cellpose's order (centre, up, down, left, right,
/// up-left, up-right, down-left, down-right), so the flows match Cellpose's bit for bit. One instance is a
/// reusable workspace for one thread; it grows to the largest box it has seen and never shrinks.
/// </remarks>
internal sealed class HeatDiffusion
{
    private const double OneNinth = 1.0 / 9.0;

    private double[] _inside = [];
    private double[] _current = [];
    private double[] _next = [];

    /// <summary>Padded box height (box height + 2).</summary>
    public int PaddedHeight { get; private set; }

    /// <summary>Padded box width (box width + 2), the row stride of the buffers.</summary>
    public int PaddedWidth { get; private set; }

    /// <summary>The diffusion source in padded-box coordinates.</summary>
    public int SourceY { get; private set; }

    public int SourceX { get; private set; }

    /// <summary>1 where the padded-box pixel belongs to the object, else 0.</summary>
    public ReadOnlySpan<double> Inside => _inside.AsSpan(0, PaddedHeight * PaddedWidth);

    /// <summary>Runs the diffusion for <paramref name="extent"/>; <see cref="Flow"/> then reads the result.</summary>
    public void Run(LabelImage labels, ObjectExtent extent, int? iterations = null)
    {
        int h = extent.Box.Height;
        int w = extent.Box.Width;
        int ly = h + 2;
        int lx = w + 2;
        int n = ly * lx;
        PaddedHeight = ly;
        PaddedWidth = lx;
        if (_inside.Length < n)
        {
            int capacity = Math.Max(n, _inside.Length * 2);
            _inside = new double[capacity];
            _current = new double[capacity];
            _next = new double[capacity];
        }

        _inside.AsSpan(0, n).Clear();
        _current.AsSpan(0, n).Clear();
        _next.AsSpan(0, n).Clear();
        FindSource(labels, extent);
        Diffuse(iterations ?? extent.DiffusionIterations);
    }

    /// <summary>
    /// The unit flow [dY, dX] at padded-box pixel (y, x) of the object: the central difference of the heat,
    /// divided by (1e-60 + its length) as Cellpose does (a zero gradient gives a zero flow).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Flow(int y, int x, out double dy, out double dx)
    {
        int lx = PaddedWidth;
        double[] t = _current;
        int i = (y * lx) + x;
        double gy = t[i + lx] - t[i - lx];
        double gx = t[i + 1] - t[i - 1];
        double norm = 1e-60 + Math.Sqrt((gy * gy) + (gx * gx));
        dy = gy / norm;
        dx = gx / norm;
    }

    private void FindSource(LabelImage labels, ObjectExtent extent)
    {
        int lx = PaddedWidth;
        int width = labels.Width;
        int label = extent.Label;
        ReadOnlySpan<int> data = labels.Data;
        Span<double> inside = _inside;

        // Coordinates are box-relative plus the one-pixel pad, exactly as Cellpose computes them, so the mean
        // and the squared distances round the same way.
        long sumY = 0;
        long sumX = 0;
        for (int y = 1; y <= extent.Box.Height; y++)
        {
            ReadOnlySpan<int> row = data.Slice(((extent.Box.Top + y - 1) * width) + extent.Box.Left, extent.Box.Width);
            for (int x = 1; x <= row.Length; x++)
            {
                if (row[x - 1] == label)
                {
                    inside[(y * lx) + x] = 1.0;
                    sumY += y;
                    sumX += x;
                }
            }
        }

        double meanY = (double)sumY / extent.Area;
        double meanX = (double)sumX / extent.Area;
        double best = double.PositiveInfinity;
        for (int y = 1; y <= extent.Box.Height; y++)
        {
            for (int x = 1; x <= extent.Box.Width; x++)
            {
                if (inside[(y * lx) + x] == 0)
                {
                    continue;
                }

                double ex = x - meanX;
                double ey = y - meanY;
                double d = (ex * ex) + (ey * ey);
                if (d < best)
                {
                    best = d;
                    SourceY = y;
                    SourceX = x;
                }
            }
        }
    }

    private void Diffuse(int iterations)
    {
        int ly = PaddedHeight;
        int lx = PaddedWidth;
        int h = ly - 2;
        int w = lx - 2;
        int source = (SourceY * lx) + SourceX;
        double[] current = _current;
        double[] next = _next;
        for (int t = 0; t < iterations; t++)
        {
            current[source] += 1;

            // Heat moves one pixel per iteration, so after this step it lies within t + 1 of the source;
            // everything further away is exactly 0 in both buffers and need not be computed.
            int reach = t + 1;
            int y0 = Math.Max(1, SourceY - reach);
            int y1 = Math.Min(h, SourceY + reach);
            int x0 = Math.Max(1, SourceX - reach);
            int x1 = Math.Min(w, SourceX + reach);
            for (int y = y0; y <= y1; y++)
            {
                Step(current, next, _inside, (y * lx) + x0, (y * lx) + x1 + 1, lx);
            }

            (current, next) = (next, current);
        }

        _current = current;
        _next = next;
    }

    /// <summary>One Jacobi update of the pixels [start, end) of one row.</summary>
    private static void Step(double[] current, double[] next, double[] inside, int start, int end, int lx)
    {
        ref double c = ref MemoryMarshal.GetArrayDataReference(current);
        ref double o = ref MemoryMarshal.GetArrayDataReference(next);
        ref double m = ref MemoryMarshal.GetArrayDataReference(inside);
        int i = start;
        if (Vector.IsHardwareAccelerated)
        {
            var ninth = new Vector<double>(OneNinth);
            for (; i + Vector<double>.Count <= end; i += Vector<double>.Count)
            {
                nuint u = (nuint)(i - lx);
                nuint mid = (nuint)i;
                nuint d = (nuint)(i + lx);
                Vector<double> sum = Vector.LoadUnsafe(ref c, mid)
                    + Vector.LoadUnsafe(ref c, u)
                    + Vector.LoadUnsafe(ref c, d)
                    + Vector.LoadUnsafe(ref c, mid - 1)
                    + Vector.LoadUnsafe(ref c, mid + 1)
                    + Vector.LoadUnsafe(ref c, u - 1)
                    + Vector.LoadUnsafe(ref c, u + 1)
                    + Vector.LoadUnsafe(ref c, d - 1)
                    + Vector.LoadUnsafe(ref c, d + 1);
                (ninth * sum * Vector.LoadUnsafe(ref m, mid)).StoreUnsafe(ref o, mid);
            }
        }

        for (; i < end; i++)
        {
            int u = i - lx;
            int d = i + lx;
            double sum = Unsafe.Add(ref c, i)
                + Unsafe.Add(ref c, u)
                + Unsafe.Add(ref c, d)
                + Unsafe.Add(ref c, i - 1)
                + Unsafe.Add(ref c, i + 1)
                + Unsafe.Add(ref c, u - 1)
                + Unsafe.Add(ref c, u + 1)
                + Unsafe.Add(ref c, d - 1)
                + Unsafe.Add(ref c, d + 1);
            Unsafe.Add(ref o, i) = OneNinth * sum * Unsafe.Add(ref m, i);
        }
    }
}

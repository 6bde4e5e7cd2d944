using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SegKit.Core.Dynamics;

/// <summary>
/// <see cref="FlowDynamics"/>'s trajectories eight at a time with AVX2: one pixel per vector lane, the four
/// bilinear corners fetched with two 16-byte loads per lane and transposed into lanes. Same float32 arithmetic in the
/// same order as the scalar path, so the results are identical; a lane whose pixel has finished (step count reached,
/// or a cycle found) takes the next.
/// </summary>
internal static unsafe class VectorTrajectories
{
    private const int Lanes = 8;

    /// <summary>Positions remembered per lane: cycles of period 1 to 4 are detected.</summary>
    private const int History = 4;

    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Independent groups of 8 lanes advanced in turn, so the processor overlaps their loads' latency.</summary>
    private const int Groups = 4;

    /// <summary>The trajectories of <paramref name="pixels"/> over a field laid out by <see cref="FlowDynamics.Interleaved"/>.</summary>
    public static void Track(float[] field, int height, int width, ReadOnlySpan<int> pixels, int niter, Span<float> finalY, Span<float> finalX)
    {
        const int all = Lanes * Groups;
        float* py = stackalloc float[all];
        float* px = stackalloc float[all];
        int* step = stackalloc int[all];
        int* who = stackalloc int[all];
        int* offsets = stackalloc int[Lanes];
        float* hy = stackalloc float[History * all];
        float* hx = stackalloc float[History * all];
        uint* busy = stackalloc uint[Groups];
        int next = 0;
        int groupsBusy = 0;
        for (int grp = 0; grp < Groups; grp++)
        {
            busy[grp] = 0;
            for (int lane = grp * Lanes; lane < (grp + 1) * Lanes; lane++)
            {
                py[lane] = 0;
                px[lane] = 0;
                step[lane] = 0;
                who[lane] = -1;
                if (next < pixels.Length)
                {
                    Start(lane, next++, pixels, width, py, px, step, who);
                    busy[grp] |= 1u << (lane - (grp * Lanes));
                }
            }

            groupsBusy += busy[grp] != 0 ? 1 : 0;
        }

        var shape = new Shape(height, width, niter);
        fixed (float* f = field)
        {
            for (int g = 0; groupsBusy > 0; g++)
            {
                for (int grp = 0; grp < Groups; grp++)
                {
                    if (busy[grp] == 0)
                    {
                        continue;
                    }

                    int o = grp * Lanes;
                    busy[grp] = Advance(f, offsets, shape, g, pixels, ref next, busy[grp], py + o, px + o, step + o, who + o, hy + (grp * History * Lanes), hx + (grp * History * Lanes), finalY, finalX);
                    groupsBusy -= busy[grp] == 0 ? 1 : 0;
                }
            }
        }
    }

    /// <summary>One step of one group of lanes; returns the lanes still busy.</summary>
    private static uint Advance(float* f, int* offsets, Shape shape, int g, ReadOnlySpan<int> pixels, ref int next, uint busy, float* py, float* px, int* step, int* who, float* hy, float* hx, Span<float> finalY, Span<float> finalX)
    {
        int niter = shape.Niter;
        Vector256<float> vy = Vector256.Load(py);
        Vector256<float> vx = Vector256.Load(px);
        Vector256<int> vt = Vector256.Load(step);

        // Lanes done: step count reached, or the position equals one 1..4 steps back (a cycle; only history
        // the lane's own pixel wrote counts, hence t >= k). Cycles are looked for on every other step only: a cycle
        // found one step later ends on the same position (read off the history), and the checks cost more than the
        // step they may save (2048^2: 10-15% less time).
        uint finished = Vector256.Equals(vt, Vector256.Create(niter)).ExtractMostSignificantBits();
        uint periods = 0;
        for (int k = 1; k <= History && (g & 1) == 0; k++)
        {
            int slot = (g - k) & (History - 1);
            Vector256<int> same = Vector256.Equals(Vector256.Load(hy + (slot * Lanes)), vy).AsInt32()
                & Vector256.Equals(Vector256.Load(hx + (slot * Lanes)), vx).AsInt32()
                & Vector256.GreaterThanOrEqual(vt, Vector256.Create(k));
            uint hit = same.ExtractMostSignificantBits() & ~finished & ~periods;
            periods |= hit;
            for (uint m = hit; m != 0; m &= m - 1)
            {
                int lane = BitOperations.TrailingZeroCount(m);
                int t = step[lane];

                // Position t repeats position t - k, so the path cycles with period k from t - k on.
                int at = (g - k + ((niter - t) % k)) & (History - 1);
                py[lane] = hy[(at * Lanes) + lane];
                px[lane] = hx[(at * Lanes) + lane];
            }
        }

        finished = (finished | periods) & busy;
        if (finished != 0)
        {
            for (uint m = finished; m != 0; m &= m - 1)
            {
                int lane = BitOperations.TrailingZeroCount(m);
                finalY[who[lane]] = py[lane];
                finalX[who[lane]] = px[lane];
                if (next < pixels.Length)
                {
                    Start(lane, next++, pixels, shape.Width, py, px, step, who);
                }
                else
                {
                    busy &= ~(1u << lane);
                    who[lane] = -1;
                    py[lane] = 0;
                    px[lane] = 0;
                    step[lane] = 0;
                }
            }

            if (busy == 0)
            {
                return 0;
            }

            vy = Vector256.Load(py);
            vx = Vector256.Load(px);
            vt = Vector256.Load(step);
        }

        int now = g & (History - 1);
        vy.Store(hy + (now * Lanes));
        vx.Store(hx + (now * Lanes));

        // Positions stay in [0, size - 1], so truncation is the floor.
        Vector256<int> yf = Avx.ConvertToVector256Int32WithTruncation(vy);
        Vector256<int> xf = Avx.ConvertToVector256Int32WithTruncation(vx);
        Vector256<float> fy = vy - Avx.ConvertToVector256Single(yf);
        Vector256<float> fx = vx - Avx.ConvertToVector256Single(xf);
        Vector256<float> gy = Vector256<float>.One - fy;
        Vector256<float> gx = Vector256<float>.One - fx;
        Vector256<int> stride = Vector256.Create(shape.Stride2);
        Vector256<int> top = Avx2.MultiplyLow(yf, stride) + xf + xf;

        // A lane's two top corners are four consecutive floats (dY, dX left; dY, dX right), and so are its two bottom
        // ones one padded row further: two 16-byte loads per lane, lanes i and i + 4 paired in one 256-bit register,
        // then a 4 x 4 transpose within each 128-bit half puts every component in natural lane order: a few percent
        // faster than eight 4-element gathers per step.
        top.Store(offsets);
        Row(f, offsets, 0, out Vector256<float> y00, out Vector256<float> x00, out Vector256<float> y01, out Vector256<float> x01);
        Row(f, offsets, shape.Stride2, out Vector256<float> y10, out Vector256<float> x10, out Vector256<float> y11, out Vector256<float> x11);

        // (value * row weight) * column weight, summed top-left, top-right, bottom-left, bottom-right:
        // Cellpose's order of operations.
        Vector256<float> sy = (y00 * gy * gx) + (y01 * gy * fx) + (y10 * fy * gx) + (y11 * fy * fx);
        Vector256<float> sx = (x00 * gy * gx) + (x01 * gy * fx) + (x10 * fy * gx) + (x11 * fy * fx);
        Vector256.Min(Vector256.Create(shape.Height - 1f), Vector256.Max(Vector256<float>.Zero, vy + sy)).Store(py);
        Vector256.Min(Vector256.Create(shape.Width - 1f), Vector256.Max(Vector256<float>.Zero, vx + sx)).Store(px);
        (vt + Vector256<int>.One).Store(step);
        return busy;
    }

    /// <summary>The left and right corners of one row (offset <paramref name="down"/> from the top row) for all eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(float* f, int* offsets, int down, out Vector256<float> yLeft, out Vector256<float> xLeft, out Vector256<float> yRight, out Vector256<float> xRight)
    {
        Vector256<float> t0 = Vector256.Create(Vector128.Load(f + offsets[0] + down), Vector128.Load(f + offsets[4] + down));
        Vector256<float> t1 = Vector256.Create(Vector128.Load(f + offsets[1] + down), Vector128.Load(f + offsets[5] + down));
        Vector256<float> t2 = Vector256.Create(Vector128.Load(f + offsets[2] + down), Vector128.Load(f + offsets[6] + down));
        Vector256<float> t3 = Vector256.Create(Vector128.Load(f + offsets[3] + down), Vector128.Load(f + offsets[7] + down));
        Vector256<float> left01 = Avx.UnpackLow(t0, t1);
        Vector256<float> right01 = Avx.UnpackHigh(t0, t1);
        Vector256<float> left23 = Avx.UnpackLow(t2, t3);
        Vector256<float> right23 = Avx.UnpackHigh(t2, t3);
        yLeft = Avx.Shuffle(left01, left23, 0b01_00_01_00);
        xLeft = Avx.Shuffle(left01, left23, 0b11_10_11_10);
        yRight = Avx.Shuffle(right01, right23, 0b01_00_01_00);
        xRight = Avx.Shuffle(right01, right23, 0b11_10_11_10);
    }

    private static void Start(int lane, int i, ReadOnlySpan<int> pixels, int width, float* py, float* px, int* step, int* who)
    {
        int p = pixels[i];
        int y = p / width;
        py[lane] = y;
        px[lane] = p - (y * width);
        step[lane] = 0;
        who[lane] = i;
    }

    private readonly record struct Shape(int Height, int Width, int Niter)
    {
        public int Stride2 => (Width + 1) * 2;
    }
}

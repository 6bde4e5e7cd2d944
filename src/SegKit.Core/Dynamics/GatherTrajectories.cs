using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SegKit.Core.Dynamics;

/// <summary>
/// <see cref="FlowDynamics"/>'s trajectories eight at a time with AVX2: one pixel per vector lane, the four
/// bilinear corners fetched with gathers. Same float32 arithmetic in the same order as the scalar path, so the
/// results are identical; a lane whose pixel has finished (step count reached, or a cycle found) takes the next.
/// </summary>
internal static unsafe class GatherTrajectories
{
    private const int Lanes = 8;

    /// <summary>Positions remembered per lane: cycles of period 1 to 4 are detected.</summary>
    private const int History = 4;

    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Independent groups of 8 lanes advanced in turn, so the processor overlaps their gathers' latency.</summary>
    private const int Groups = 4;

    /// <summary>The trajectories of <paramref name="pixels"/> over a field laid out by <see cref="FlowDynamics.Interleaved"/>.</summary>
    public static void Track(float[] field, int height, int width, ReadOnlySpan<int> pixels, int niter, Span<float> finalY, Span<float> finalX)
    {
        const int all = Lanes * Groups;
        float* py = stackalloc float[all];
        float* px = stackalloc float[all];
        int* step = stackalloc int[all];
        int* who = stackalloc int[all];
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
                    busy[grp] = Advance(f, shape, g, pixels, ref next, busy[grp], py + o, px + o, step + o, who + o, hy + (grp * History * Lanes), hx + (grp * History * Lanes), finalY, finalX);
                    groupsBusy -= busy[grp] == 0 ? 1 : 0;
                }
            }
        }
    }

    /// <summary>One step of one group of lanes; returns the lanes still busy.</summary>
    private static uint Advance(float* f, Shape shape, int g, ReadOnlySpan<int> pixels, ref int next, uint busy, float* py, float* px, int* step, int* who, float* hy, float* hx, Span<float> finalY, Span<float> finalX)
    {
        int niter = shape.Niter;
        Vector256<float> vy = Vector256.Load(py);
        Vector256<float> vx = Vector256.Load(px);
        Vector256<int> vt = Vector256.Load(step);

        // Lanes done: step count reached, or the position equals one 1..4 steps back (a cycle; only history
        // the lane's own pixel wrote counts, hence t >= k).
        uint finished = Vector256.Equals(vt, Vector256.Create(niter)).ExtractMostSignificantBits();
        uint periods = 0;
        for (int k = 1; k <= History; k++)
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

        // Each corner is a (dY, dX) pair of floats: gathered as 64-bit values, four lanes per gather. Lanes are
        // fetched in the order (0, 1, 4, 5) and (2, 3, 6, 7) so that unzipping the two gathers with one shuffle
        // per component leaves them in natural order.
        Vector256<int> order = Avx2.PermuteVar8x32(top, Vector256.Create(0, 1, 4, 5, 2, 3, 6, 7));
        Vector128<int> first = order.GetLower();
        Vector128<int> second = order.GetUpper();
        Vector128<int> below = Vector128.Create(shape.Stride2);
        Corner(f, first, second, out Vector256<float> y00, out Vector256<float> x00);
        Corner(f + 2, first, second, out Vector256<float> y01, out Vector256<float> x01);
        Corner(f, first + below, second + below, out Vector256<float> y10, out Vector256<float> x10);
        Corner(f + 2, first + below, second + below, out Vector256<float> y11, out Vector256<float> x11);

        // (value * row weight) * column weight, summed top-left, top-right, bottom-left, bottom-right:
        // Cellpose's order of operations.
        Vector256<float> sy = (y00 * gy * gx) + (y01 * gy * fx) + (y10 * fy * gx) + (y11 * fy * fx);
        Vector256<float> sx = (x00 * gy * gx) + (x01 * gy * fx) + (x10 * fy * gx) + (x11 * fy * fx);
        Vector256.Min(Vector256.Create(shape.Height - 1f), Vector256.Max(Vector256<float>.Zero, vy + sy)).Store(py);
        Vector256.Min(Vector256.Create(shape.Width - 1f), Vector256.Max(Vector256<float>.Zero, vx + sx)).Store(px);
        (vt + Vector256<int>.One).Store(step);
        return busy;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Corner(float* f, Vector128<int> first, Vector128<int> second, out Vector256<float> dy, out Vector256<float> dx)
    {
        Vector256<float> a = Avx2.GatherVector256((double*)f, first, 4).AsSingle();
        Vector256<float> b = Avx2.GatherVector256((double*)f, second, 4).AsSingle();
        dy = Avx.Shuffle(a, b, 0b10_00_10_00);
        dx = Avx.Shuffle(a, b, 0b11_01_11_01);
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

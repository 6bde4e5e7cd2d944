using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SegKit.Core.Flows;

namespace SegKit.Core.Dynamics;

/// <summary>
/// Cellpose v3's dynamics (steps_interp on the CPU): every pixel takes <c>niter</c> Euler steps along a step
/// field sampled with bilinear interpolation, its position kept inside the image.
/// </summary>
/// <remarks>
/// Everything is float32 in Cellpose's order of operations, as its numba kernel computes it (numba lets an int32
/// floor mix with float32 positions without promoting to float64), so final positions agree bit for bit; that
/// matters because a pixel oscillating on the border of two histogram bins lands in either on a 1-ulp change.
/// The float64 variant of the same formula differs for one pixel of the fixtures and changes one mask there.
/// The map from one position to the next depends on the position only, so a pixel whose position repeats one of
/// the last 4 has entered a cycle; its final position is then read off the cycle instead of stepping on (exact;
/// most pixels end oscillating around their sink, and on noisy DSB flows this cuts 200 steps to about 70).
/// Pixels run in parallel blocks; within a block, eight at a time per AVX2 vector, four vectors
/// interleaved to hide their latency (<see cref="VectorTrajectories"/>), or eight interleaved scalar lanes
/// where AVX2 is missing.
/// </remarks>
public static class FlowDynamics
{
    /// <summary>Positions remembered per lane (a power of 2, at least <see cref="CycleChecks"/>).</summary>
    private const int LongestCycle = 8;
    private const int Lanes = 8;

    /// <summary>Periods looked for: 1 to 4 catch nearly every cycle (8 saves 3% more steps and costs more checks).</summary>
    private const int CycleChecks = 4;
    private const int PixelsPerTask = 2048;

    /// <summary>
    /// Moves each pixel of <paramref name="startPixels"/> (row-major indices into the field) for
    /// <paramref name="niter"/> steps along <paramref name="steps"/> (per-step displacement, [dY, dX]) and writes
    /// its final row and column into <paramref name="finalY"/> and <paramref name="finalX"/>.
    /// </summary>
    public static void Follow(FlowField steps, int[] startPixels, int niter, float[] finalY, float[] finalX)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(startPixels);
        ArgumentNullException.ThrowIfNull(finalY);
        ArgumentNullException.ThrowIfNull(finalX);
        ArgumentOutOfRangeException.ThrowIfNegative(niter);
        if (finalY.Length != startPixels.Length || finalX.Length != startPixels.Length)
        {
            throw new ShapeMismatchException($"{startPixels.Length} start pixels need as many final positions; got {finalY.Length} and {finalX.Length}");
        }

        int plane = steps.PlaneSize;
        foreach (int p in startPixels)
        {
            if ((uint)p >= (uint)plane)
            {
                throw new ArgumentOutOfRangeException(nameof(startPixels), p, $"pixel index outside the {steps.Height}x{steps.Width} field");
            }
        }

        Follow(Interleaved(steps), steps.Height, steps.Width, startPixels, niter, finalY, finalX);
    }

    /// <summary>
    /// The network's flows divided by 5 on <paramref name="activePixels"/> and 0 elsewhere (Cellpose's
    /// <c>dP * (cellprob &gt; threshold) / 5</c>), laid out as <see cref="Interleaved"/>, in an array of
    /// <see cref="ZeroedArrayCache{T}"/> (possibly longer than the field): <see cref="ClearSteps"/> makes it all zeros again.
    /// </summary>
    internal static float[] InterleavedSteps(FlowField networkFlows, int[] activePixels)
    {
        int width = networkFlows.Width;
        int stride = width + 1;
        int plane = networkFlows.PlaneSize;
        float[] flows = networkFlows.Buffer;
        float[] field = ZeroedArrayCache<float>.Rent((networkFlows.Height + 1) * stride * 2);
        foreach (int p in activePixels)
        {
            int y = p / width;
            int at = 2 * ((y * stride) + p - (y * width));
            field[at] = flows[p] / 5f;
            field[at + 1] = flows[plane + p] / 5f;
        }

        return field;
    }

    /// <summary>Zeros what <see cref="InterleavedSteps"/> wrote (only the active pixels).</summary>
    internal static void ClearSteps(float[] field, int width, int[] activePixels)
    {
        int stride = width + 1;
        foreach (int p in activePixels)
        {
            int y = p / width;
            int at = 2 * ((y * stride) + p - (y * width));
            field[at] = 0f;
            field[at + 1] = 0f;
        }
    }

    /// <summary>Trajectories over a field laid out by <see cref="Interleaved"/>, in parallel over blocks of pixels.</summary>
    internal static void Follow(float[] field, int height, int width, int[] startPixels, int niter, float[] finalY, float[] finalX)
    {
        if (niter == 0)
        {
            // The vector path checks a lane it refills only after its first step; with no steps there is nothing to run.
            for (int i = 0; i < startPixels.Length; i++)
            {
                finalY[i] = startPixels[i] / width;
                finalX[i] = startPixels[i] % width;
            }

            return;
        }

        int tasks = (startPixels.Length + PixelsPerTask - 1) / PixelsPerTask;
        Parallel.For(0, tasks, t =>
        {
            int start = t * PixelsPerTask;
            int end = Math.Min(startPixels.Length, start + PixelsPerTask);
            ReadOnlySpan<int> pixels = startPixels.AsSpan(start, end - start);
            if (VectorTrajectories.IsSupported)
            {
                VectorTrajectories.Track(field, height, width, pixels, niter, finalY.AsSpan(start, end - start), finalX.AsSpan(start, end - start));
            }
            else
            {
                Track(field, height, width, pixels, niter, finalY.AsSpan(start, end - start), finalX.AsSpan(start, end - start));
            }
        });
    }

    /// <summary>
    /// The step field as (dY, dX) pairs per pixel, rows padded by one pixel on the right and one row at the
    /// bottom, so the four corners of a bilinear sample are two 16-byte loads. The padding is 0 and is only read
    /// with weight exactly 0 (a position on the last row or column), where Cellpose reads the edge pixel with
    /// the same weight: both add nothing.
    /// </summary>
    internal static float[] Interleaved(FlowField steps)
    {
        int height = steps.Height;
        int width = steps.Width;
        int stride = width + 1;
        var field = new float[(height + 1) * stride * 2];
        ReadOnlySpan<float> dy = steps.DY;
        ReadOnlySpan<float> dx = steps.DX;
        for (int y = 0; y < height; y++)
        {
            Span<float> row = field.AsSpan(y * stride * 2, width * 2);
            int src = y * width;
            for (int x = 0; x < width; x++)
            {
                row[2 * x] = dy[src + x];
                row[(2 * x) + 1] = dx[src + x];
            }
        }

        return field;
    }

    /// <summary>
    /// The trajectories of <paramref name="pixels"/> over an <see cref="Interleaved"/> field. One step depends on
    /// the previous one, so a single trajectory waits on its own latency; <see cref="Lanes"/> trajectories are
    /// advanced in turn so the processor overlaps them, a finished lane taking the next pixel.
    /// </summary>
    internal static void Track(float[] field, int height, int width, ReadOnlySpan<int> pixels, int niter, Span<float> finalY, Span<float> finalX)
    {
        int stride2 = (width + 1) * 2;
        ref float f = ref MemoryMarshal.GetArrayDataReference(field);
        float maxY = height - 1;
        float maxX = width - 1;
        Span<float> laneY = stackalloc float[Lanes];
        Span<float> laneX = stackalloc float[Lanes];
        Span<int> laneStep = stackalloc int[Lanes];
        Span<int> lanePixel = stackalloc int[Lanes];

        // Each lane's last positions as raw bits, y low and x high. Positions are never NaN or -0 (the clamp
        // yields +0), so equal bits mean equal positions; unused slots hold a NaN pattern no position has.
        Span<ulong> recent = stackalloc ulong[Lanes * LongestCycle];
        int next = 0;
        int busy = 0;
        for (int lane = 0; lane < Lanes; lane++)
        {
            lanePixel[lane] = -1;
            if (next < pixels.Length)
            {
                Start(lane, next++, pixels, width, lanePixel, laneY, laneX, laneStep, recent);
                busy++;
            }
        }

        while (busy > 0)
        {
            for (int lane = 0; lane < Lanes; lane++)
            {
                int i = lanePixel[lane];
                if (i < 0)
                {
                    continue;
                }

                float py = laneY[lane];
                float px = laneX[lane];
                int t = laneStep[lane];
                Span<ulong> history = recent.Slice(lane * LongestCycle, LongestCycle);
                ulong bits = BitConverter.SingleToUInt32Bits(py) | ((ulong)BitConverter.SingleToUInt32Bits(px) << 32);
                int period = 0;
                for (int k = 1; k <= CycleChecks; k++)
                {
                    if (history[(t - k) & (LongestCycle - 1)] == bits)
                    {
                        period = k;
                        break;
                    }
                }

                if (period > 0 || t == niter)
                {
                    if (period > 0)
                    {
                        // Position t repeats position t - k, so the path cycles with period k from t - k on.
                        ulong final = history[(t - period + ((niter - t) % period)) & (LongestCycle - 1)];
                        py = BitConverter.UInt32BitsToSingle((uint)final);
                        px = BitConverter.UInt32BitsToSingle((uint)(final >> 32));
                    }

                    finalY[i] = py;
                    finalX[i] = px;
                    if (next < pixels.Length)
                    {
                        Start(lane, next++, pixels, width, lanePixel, laneY, laneX, laneStep, recent);
                    }
                    else
                    {
                        lanePixel[lane] = -1;
                        busy--;
                    }

                    continue;
                }

                history[t & (LongestCycle - 1)] = bits;

                // Positions stay in [0, size - 1], so truncation is the floor.
                int yf = (int)py;
                int xf = (int)px;
                float fy = py - yf;
                float fx = px - xf;
                float gy = 1 - fy;
                float gx = 1 - fx;
                int at = (yf * stride2) + (2 * xf);
                int below = at + stride2;

                // (value * row weight) * column weight, summed top-left, top-right, bottom-left, bottom-right:
                // Cellpose's order of operations.
                float sy = (Unsafe.Add(ref f, at) * gy * gx) + (Unsafe.Add(ref f, at + 2) * gy * fx)
                    + (Unsafe.Add(ref f, below) * fy * gx) + (Unsafe.Add(ref f, below + 2) * fy * fx);
                float sx = (Unsafe.Add(ref f, at + 1) * gy * gx) + (Unsafe.Add(ref f, at + 3) * gy * fx)
                    + (Unsafe.Add(ref f, below + 1) * fy * gx) + (Unsafe.Add(ref f, below + 3) * fy * fx);
                laneY[lane] = MathF.Min(maxY, MathF.Max(0f, py + sy));
                laneX[lane] = MathF.Min(maxX, MathF.Max(0f, px + sx));
                laneStep[lane] = t + 1;
            }
        }
    }

    private static void Start(int lane, int i, ReadOnlySpan<int> pixels, int width, Span<int> lanePixel, Span<float> laneY, Span<float> laneX, Span<int> laneStep, Span<ulong> recent)
    {
        int p = pixels[i];
        int y = p / width;
        lanePixel[lane] = i;
        laneY[lane] = y;
        laneX[lane] = p - (y * width);
        laneStep[lane] = 0;
        recent.Slice(lane * LongestCycle, LongestCycle).Fill(ulong.MaxValue);
    }
}

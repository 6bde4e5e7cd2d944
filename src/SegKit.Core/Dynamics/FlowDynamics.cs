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
/// The float64 variant of the same formula differs for one pixel of the fixtures and changes one mask there. The map from one position to the next depends on the position only, so
/// a pixel whose position repeats an earlier one has entered a cycle; its final position is then read off the
/// cycle instead of stepping on (exact, and most pixels end oscillating around their sink).
/// </remarks>
public static class FlowDynamics
{
    private const int LongestCycle = 8;
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

        int tasks = (startPixels.Length + PixelsPerTask - 1) / PixelsPerTask;
        Parallel.For(0, tasks, t =>
        {
            int start = t * PixelsPerTask;
            int end = Math.Min(startPixels.Length, start + PixelsPerTask);
            for (int i = start; i < end; i++)
            {
                int p = startPixels[i];
                int y = p / steps.Width;
                Track(steps, y, p - (y * steps.Width), niter, out finalY[i], out finalX[i]);
            }
        });
    }

    /// <summary>One pixel's trajectory.</summary>
    internal static void Track(FlowField steps, int startY, int startX, int niter, out float finalY, out float finalX)
    {
        int height = steps.Height;
        int width = steps.Width;
        float maxY = height - 1;
        float maxX = width - 1;
        ref float dy = ref MemoryMarshal.GetArrayDataReference(steps.Buffer);
        ref float dx = ref Unsafe.Add(ref dy, steps.PlaneSize);
        Span<float> historyY = stackalloc float[LongestCycle];
        Span<float> historyX = stackalloc float[LongestCycle];
        float py = startY;
        float px = startX;
        for (int t = 0; t < niter; t++)
        {
            // Cycle check: position t equals position t - k for some k <= LongestCycle.
            for (int k = 1; k <= Math.Min(t, LongestCycle); k++)
            {
                int slot = (t - k) % LongestCycle;
                if (historyY[slot] == py && historyX[slot] == px)
                {
                    int final = t - k + ((niter - t) % k);
                    finalY = historyY[final % LongestCycle];
                    finalX = historyX[final % LongestCycle];
                    return;
                }
            }

            historyY[t % LongestCycle] = py;
            historyX[t % LongestCycle] = px;

            // Positions stay in [0, size - 1], so truncation is the floor and the lower clamp is a no-op.
            int yf = (int)py;
            int xf = (int)px;
            int yf1 = Math.Min(height - 1, yf + 1);
            int xf1 = Math.Min(width - 1, xf + 1);
            float fy = py - yf;
            float fx = px - xf;
            float gy = 1 - fy;
            float gx = 1 - fx;
            int i00 = (yf * width) + xf;
            int i01 = (yf * width) + xf1;
            int i10 = (yf1 * width) + xf;
            int i11 = (yf1 * width) + xf1;
            float sy = (Unsafe.Add(ref dy, i00) * gy * gx) + (Unsafe.Add(ref dy, i01) * gy * fx)
                + (Unsafe.Add(ref dy, i10) * fy * gx) + (Unsafe.Add(ref dy, i11) * fy * fx);
            float sx = (Unsafe.Add(ref dx, i00) * gy * gx) + (Unsafe.Add(ref dx, i01) * gy * fx)
                + (Unsafe.Add(ref dx, i10) * fy * gx) + (Unsafe.Add(ref dx, i11) * fy * fx);
            py = MathF.Min(maxY, MathF.Max(0f, py + sy));
            px = MathF.Min(maxX, MathF.Max(0f, px + sx));
        }

        finalY = py;
        finalX = px;
    }
}

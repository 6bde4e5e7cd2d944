using System.Numerics;
using System.Runtime.Intrinsics;
using SegKit.Core.Flows;
using SegKit.Core.Images;

namespace SegKit.Core.Dynamics;

/// <summary>
/// Masks from a network's output, Cellpose v3's compute_masks: pixels whose cell-probability logit is above the
/// threshold follow the flows (divided by 5, as the network predicts 5x unit flows) for <c>Niter</c> steps;
/// seeds where the final positions pile up are grown into masks; masks larger than <c>MaxSizeFraction</c> of
/// the image are dropped; then the quality check recomputes flows from the masks and drops masks whose flow
/// error exceeds <c>FlowThreshold</c>; finally small masks are removed, holes filled and masks renumbered 1..N.
/// </summary>
/// <remarks>
/// A pixel whose probability or flow is NaN or infinite is background, and its flow counts as 0 for the
/// pixels that sample it.
/// </remarks>
public static class MaskReconstruction
{
    /// <summary>Masks from network-style flows (5x unit flows) and cell-probability logits of the same size.</summary>
    /// <exception cref="ShapeMismatchException">The probability image is not one channel of the flows' size.</exception>
    public static LabelImage Compute(FlowField networkFlows, Image cellProbability, DynamicsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cellProbability);
        ArgumentNullException.ThrowIfNull(networkFlows);
        if (cellProbability.Channels != 1 || cellProbability.Height != networkFlows.Height || cellProbability.Width != networkFlows.Width)
        {
            throw new ShapeMismatchException(
                $"cell probability is {cellProbability.Channels}x{cellProbability.Height}x{cellProbability.Width}; the flows [2, {networkFlows.Height}, {networkFlows.Width}] need 1x{networkFlows.Height}x{networkFlows.Width}");
        }

        return Compute(networkFlows, cellProbability.Buffer, options);
    }

    /// <summary>Masks from network-style flows and a row-major cell-probability plane of the same size.</summary>
    /// <exception cref="ShapeMismatchException">The probability plane does not have one value per flow pixel.</exception>
    public static LabelImage Compute(FlowField networkFlows, float[] cellProbability, DynamicsOptions? options = null) =>
        Run(networkFlows, cellProbability, options).Masks;

    /// <summary>The whole reconstruction, keeping the masks before the quality check and their flow errors.</summary>
    internal static ReconstructionStages Run(FlowField networkFlows, float[] cellProbability, DynamicsOptions? options)
    {
        ArgumentNullException.ThrowIfNull(networkFlows);
        ArgumentNullException.ThrowIfNull(cellProbability);
        if (cellProbability.Length != networkFlows.PlaneSize)
        {
            throw new ShapeMismatchException(
                $"cell probability has {cellProbability.Length} values; the flows [2, {networkFlows.Height}, {networkFlows.Width}] need {networkFlows.PlaneSize}");
        }

        return Run(networkFlows, cellProbability, 0, options);
    }

    /// <summary>
    /// The reconstruction reading the probability at <paramref name="probabilityOffset"/> of
    /// <paramref name="cellProbability"/>: a network's [3, H, W] output is read in place, flows and probability alike.
    /// </summary>
    internal static ReconstructionStages Run(FlowField networkFlows, float[] cellProbability, int probabilityOffset, DynamicsOptions? options)
    {
        options ??= DynamicsOptions.Default;
        int height = networkFlows.Height;
        int width = networkFlows.Width;
        if (probabilityOffset < 0 || cellProbability.Length - probabilityOffset < networkFlows.PlaneSize)
        {
            throw new ShapeMismatchException($"no [{height}, {width}] probability plane at {probabilityOffset} of {cellProbability.Length} values");
        }

        int[] pixels = ActivePixels(networkFlows, cellProbability, probabilityOffset, options.CellprobThreshold);
        if (pixels.Length == 0)
        {
            return new ReconstructionStages(new LabelImage(height, width), 0, []);
        }

        var finalY = new float[pixels.Length];
        var finalX = new float[pixels.Length];
        float[] steps = FlowDynamics.InterleavedSteps(networkFlows, pixels);
        FlowDynamics.Follow(steps, height, width, pixels, options.Niter, finalY, finalX);
        FlowDynamics.ClearSteps(steps, width, pixels);

        // The step field, all zeros again, holds the convergence histogram: one image-sized scratch plane, not two.
        int[] labels = ConvergenceMasks.Build(height, width, pixels, finalY, finalX, options.MaxSizeFraction, steps, out int count);
        ZeroedArrayCache<float>.Return(steps);
        var masks = new LabelImage(height, width, labels, count);
        if (count == 0)
        {
            return new ReconstructionStages(masks, 0, []);
        }

        // From here on the work is proportional to the masks' boxes, not to the image.
        var objects = MaskObjects.FromPixels(masks, pixels);
        double[] errors = [];
        if (options.FlowThreshold > 0)
        {
            // Every mask pixel is an active pixel, whose flow is finite: the check reads no NaN.
            errors = FlowError.Compute(masks, networkFlows, objects.Extents);
            for (int k = 0; k < errors.Length; k++)
            {
                if (errors[k] > options.FlowThreshold)
                {
                    objects.Remove(k + 1);
                }
            }
        }

        if (options.MinSize > 0)
        {
            objects.RemoveSmall(options.MinSize);
            objects.FillHoles();
            objects.RemoveSmall(options.MinSize);
        }

        return new ReconstructionStages(objects.Renumber(), count, errors);
    }

    /// <summary>Row-major indices of the pixels that follow the flows: probability above the threshold, finite flow.</summary>
    private static int[] ActivePixels(FlowField flows, float[] cellProbability, int offset, float threshold)
    {
        int plane = flows.PlaneSize;
        int width = flows.Width;
        float[] f = flows.Buffer;

        // Rows counted in parallel, then each row's pixels written at its offset: raster order, no locking.
        var rowCounts = new int[flows.Height + 1];
        Parallel.For(0, flows.Height, y => rowCounts[y + 1] = ScanRow(f, cellProbability, offset, plane, y * width, width, threshold, default, write: false));
        for (int y = 0; y < flows.Height; y++)
        {
            rowCounts[y + 1] += rowCounts[y];
        }

        var pixels = new int[rowCounts[flows.Height]];
        Parallel.For(0, flows.Height, y => ScanRow(f, cellProbability, offset, plane, y * width, width, threshold, pixels.AsSpan(rowCounts[y]), write: true));
        return pixels;
    }

    /// <summary>
    /// Counts the active pixels of one row, and with <paramref name="write"/> writes their indices into
    /// <paramref name="into"/>: eight pixels per comparison, a mask of bits per eight.
    /// </summary>
    private static int ScanRow(float[] f, float[] cellProbability, int offset, int plane, int start, int width, float threshold, Span<int> into, bool write)
    {
        int n = 0;
        int x = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float prob = ref cellProbability[offset + start];
            ref float dy = ref f[start];
            ref float dx = ref f[plane + start];
            Vector256<float> limit = Vector256.Create(threshold);
            Vector256<uint> exponent = Vector256.Create(0x7F80_0000u);
            for (; x <= width - Vector256<float>.Count; x += Vector256<float>.Count)
            {
                // Finite: the exponent bits are not all set (NaN and infinities have them all set).
                Vector256<uint> finite = ~Vector256.Equals(Vector256.LoadUnsafe(ref dy, (nuint)x).AsUInt32() & exponent, exponent)
                    & ~Vector256.Equals(Vector256.LoadUnsafe(ref dx, (nuint)x).AsUInt32() & exponent, exponent);
                uint bits = (Vector256.GreaterThan(Vector256.LoadUnsafe(ref prob, (nuint)x), limit).AsUInt32() & finite).ExtractMostSignificantBits();
                if (!write)
                {
                    n += BitOperations.PopCount(bits);
                    continue;
                }

                for (; bits != 0; bits &= bits - 1)
                {
                    into[n++] = start + x + BitOperations.TrailingZeroCount(bits);
                }
            }
        }

        for (; x < width; x++)
        {
            if (IsActive(f, cellProbability, offset, plane, start + x, threshold))
            {
                if (write)
                {
                    into[n] = start + x;
                }

                n++;
            }
        }

        return n;
    }

    // NaN compares false, so a NaN probability is background.
    private static bool IsActive(float[] f, float[] cellProbability, int offset, int plane, int i, float threshold) =>
        cellProbability[offset + i] > threshold && float.IsFinite(f[i]) && float.IsFinite(f[plane + i]);
}

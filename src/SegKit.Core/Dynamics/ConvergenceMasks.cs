using System.Runtime.InteropServices;

namespace SegKit.Core.Dynamics;

/// <summary>
/// Cellpose v3's get_masks: a histogram of where pixels end up after the dynamics, seeds at its local maxima
/// (the largest count in their 5x5 neighbourhood, more than 10 pixels), each seed grown for 5 steps over the
/// 3x3 neighbourhood through bins holding more than 2 pixels, then every pixel labelled by the seed region
/// its final position fell in. Masks larger than a fraction of the image are dropped.
/// </summary>
internal static class ConvergenceMasks
{
    private const int SeedMinimum = 10;
    private const int GrowthMinimum = 2;
    private const int GrowthSteps = 5;
    private const int Window = (2 * GrowthSteps) + 1;

    /// <summary>
    /// Labels (row-major, height x width) for the pixels <paramref name="pixels"/> (ascending row-major indices)
    /// whose final positions are (<paramref name="finalY"/>, <paramref name="finalX"/>); pixels not listed are 0.
    /// Labels are 1..<paramref name="count"/> in raster order of first appearance.
    /// </summary>
    /// <remarks>
    /// Apart from the returned labels, the work and the memory are proportional to the listed pixels: the histogram
    /// lives in <paramref name="zeroedScratch"/> (the dynamics' step field, all zeros again once followed, read as
    /// ints), whose touched bins are zeroed again at the end; each pixel's bin is written over its
    /// <paramref name="finalY"/> entry once read; and seeds are looked for only among the bins that pass the count
    /// threshold.
    /// </remarks>
    /// <param name="zeroedScratch">All zeros, at least height * width elements; left all zeros.</param>
    public static int[] Build(int height, int width, int[] pixels, float[] finalY, float[] finalX, double maxSizeFraction, float[] zeroedScratch, out int count)
    {
        int n = height * width;
        if (zeroedScratch.Length < n || finalY.Length != pixels.Length || finalX.Length != pixels.Length)
        {
            throw new ArgumentException($"scratch of {zeroedScratch.Length} for {n} bins, {finalY.Length}/{finalX.Length} positions for {pixels.Length} pixels");
        }

        Span<int> bins = MemoryMarshal.Cast<float, int>(finalY.AsSpan());
        Span<int> counts = Bins(zeroedScratch, n);
        var candidates = new List<int>();
        for (int i = 0; i < pixels.Length; i++)
        {
            // Cellpose casts the float positions to int: truncation, which is the floor for positions >= 0.
            // finalY[i] is read before bins[i], its own storage, is written.
            int b = ((int)finalY[i] * width) + (int)finalX[i];
            bins[i] = b;
            if (++counts[b] == SeedMinimum + 1)
            {
                candidates.Add(b);
            }
        }

        long[] seeds = FindSeeds(candidates, counts, height, width);
        UInt128[] regions = GrowSeeds(seeds, zeroedScratch, height, width);

        // The histogram is no longer needed once the regions exist: its bins become the region map.
        foreach (int b in bins)
        {
            counts[b] = 0;
        }

        Span<int> regionOf = counts;
        Paint(seeds, regions, regionOf, width, erase: false);
        var labels = new int[n];
        var sizes = new int[seeds.Length + 1];
        for (int i = 0; i < pixels.Length; i++)
        {
            int k = regionOf[bins[i]];
            labels[pixels[i]] = k;
            sizes[k]++;
        }

        Paint(seeds, regions, regionOf, width, erase: true);

        double big = (double)n * maxSizeFraction;
        var map = new int[seeds.Length + 1];
        for (int k = 1; k < sizes.Length; k++)
        {
            map[k] = sizes[k] > big ? -1 : 0;
        }

        // The pixels are in raster order, so numbering them in turn numbers the masks by first appearance.
        int next = 0;
        foreach (int p in pixels)
        {
            int k = labels[p];
            if (k == 0)
            {
                continue;
            }

            int m = map[k];
            if (m == 0)
            {
                m = map[k] = ++next;
            }

            labels[p] = m > 0 ? m : 0;
        }

        count = next;
        return labels;
    }

    /// <summary>
    /// Seeds as (count &lt;&lt; 32 | bin), sorted by count then raster position: the order in which Cellpose paints
    /// them, so where regions overlap the seed with more pixels wins. Only <paramref name="candidates"/> (the bins
    /// holding more than 10 pixels) can be seeds.
    /// </summary>
    private static long[] FindSeeds(List<int> candidates, ReadOnlySpan<int> counts, int height, int width)
    {
        var seeds = new List<long>();
        foreach (int bin in candidates)
        {
            int y = bin / width;
            int x = bin - (y * width);
            int c = counts[bin];
            int y0 = Math.Max(0, y - 2);
            int y1 = Math.Min(height - 1, y + 2);
            int x0 = Math.Max(0, x - 2);
            int x1 = Math.Min(width - 1, x + 2);
            bool isMax = true;
            for (int yy = y0; yy <= y1 && isMax; yy++)
            {
                for (int xx = x0; xx <= x1; xx++)
                {
                    if (counts[(yy * width) + xx] > c)
                    {
                        isMax = false;
                        break;
                    }
                }
            }

            if (isMax)
            {
                seeds.Add(((long)c << 32) | (uint)bin);
            }
        }

        long[] result = seeds.ToArray();
        Array.Sort(result);
        return result;
    }

    /// <summary>The region of every seed as an 11x11 bit mask around it, grown in parallel (regions are independent).</summary>
    private static UInt128[] GrowSeeds(long[] seeds, float[] histogram, int height, int width)
    {
        var regions = new UInt128[seeds.Length];
        Parallel.For(0, seeds.Length, k => regions[k] = Grow((int)(seeds[k] & 0xFFFFFFFF), Bins(histogram, height * width), height, width));
        return regions;
    }

    /// <summary>
    /// Writes region index k + 1 (1-based seed order) over every bin of region k, in seed order so that where
    /// regions overlap the later (larger) seed wins, as in Cellpose; or, with <paramref name="erase"/>, writes 0 there.
    /// </summary>
    private static void Paint(long[] seeds, UInt128[] regions, Span<int> regionOf, int width, bool erase)
    {
        for (int k = 0; k < seeds.Length; k++)
        {
            int bin = (int)(seeds[k] & 0xFFFFFFFF);
            int sy = bin / width;
            int sx = bin - (sy * width);
            int value = erase ? 0 : k + 1;
            for (UInt128 m = regions[k]; m != 0; m &= m - 1)
            {
                int bit = (int)UInt128.TrailingZeroCount(m);
                int wy = bit / Window;
                regionOf[((sy + wy - GrowthSteps) * width) + sx + (bit - (wy * Window)) - GrowthSteps] = value;
            }
        }
    }

    /// <summary>
    /// The region of the seed at <paramref name="bin"/> in its 11x11 window (bit wy * 11 + wx): 5 times, dilate by
    /// the 3x3 square and keep only bins holding more than 2 pixels (Cellpose's max-pool then multiply; bins
    /// outside the image hold none).
    /// </summary>
    private static UInt128 Grow(int bin, ReadOnlySpan<int> counts, int height, int width)
    {
        int sy = bin / width;
        int sx = bin - (sy * width);
        UInt128 allowed = 0;
        for (int wy = 0; wy < Window; wy++)
        {
            int y = sy + wy - GrowthSteps;
            if ((uint)y >= (uint)height)
            {
                continue;
            }

            for (int wx = 0; wx < Window; wx++)
            {
                int x = sx + wx - GrowthSteps;
                if ((uint)x < (uint)width && counts[(y * width) + x] > GrowthMinimum)
                {
                    allowed |= UInt128.One << ((wy * Window) + wx);
                }
            }
        }

        UInt128 notLeftColumn = 0;
        UInt128 notRightColumn = 0;
        for (int wy = 0; wy < Window; wy++)
        {
            for (int wx = 0; wx < Window; wx++)
            {
                UInt128 bit = UInt128.One << ((wy * Window) + wx);
                notLeftColumn |= wx > 0 ? bit : 0;
                notRightColumn |= wx < Window - 1 ? bit : 0;
            }
        }

        UInt128 all = (UInt128.One << (Window * Window)) - 1;
        UInt128 region = UInt128.One << ((GrowthSteps * Window) + GrowthSteps);
        for (int step = 0; step < GrowthSteps; step++)
        {
            // 3x3 dilation inside the window: spread along rows (not across the row ends), then along columns.
            UInt128 rows = region | ((region << 1) & notLeftColumn) | ((region >> 1) & notRightColumn);
            UInt128 dilated = (rows | (rows << Window) | (rows >> Window)) & all;
            region = dilated & allowed;
        }

        return region;
    }

    /// <summary>The first <paramref name="n"/> elements of the scratch array as int bins (zero bits are 0 either way).</summary>
    private static Span<int> Bins(float[] scratch, int n) => MemoryMarshal.Cast<float, int>(scratch.AsSpan(0, n));
}

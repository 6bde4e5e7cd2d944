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
    /// Labels (row-major, height x width) for the pixels <paramref name="pixels"/> whose final positions are
    /// (<paramref name="finalY"/>, <paramref name="finalX"/>); pixels not listed are 0. Labels are 1..N in
    /// raster order of first appearance.
    /// </summary>
    public static int[] Build(int height, int width, int[] pixels, float[] finalY, float[] finalX, double maxSizeFraction)
    {
        int n = height * width;
        var bins = new int[pixels.Length];
        var counts = new int[n];
        for (int i = 0; i < pixels.Length; i++)
        {
            // Cellpose casts the float positions to int: truncation, which is the floor for positions >= 0.
            int b = ((int)finalY[i] * width) + (int)finalX[i];
            bins[i] = b;
            counts[b]++;
        }

        long[] seeds = FindSeeds(counts, height, width);
        int[] regionOf = GrowSeeds(seeds, counts, height, width);

        var labels = new int[n];
        var sizes = new int[seeds.Length + 1];
        for (int i = 0; i < pixels.Length; i++)
        {
            int k = regionOf[bins[i]];
            labels[pixels[i]] = k;
            sizes[k]++;
        }

        double big = (double)n * maxSizeFraction;
        var map = new int[seeds.Length + 1];
        for (int k = 1; k < sizes.Length; k++)
        {
            map[k] = sizes[k] > big ? -1 : 0;
        }

        int next = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int k = labels[i];
            if (k == 0)
            {
                continue;
            }

            int m = map[k];
            if (m == 0)
            {
                m = map[k] = ++next;
            }

            labels[i] = m > 0 ? m : 0;
        }

        return labels;
    }

    /// <summary>
    /// Seeds as (count &lt;&lt; 32 | bin), sorted by count then raster position: the order in which Cellpose paints
    /// them, so where regions overlap the seed with more pixels wins.
    /// </summary>
    private static long[] FindSeeds(int[] counts, int height, int width)
    {
        var seeds = new List<long>();
        for (int y = 0; y < height; y++)
        {
            int y0 = Math.Max(0, y - 2);
            int y1 = Math.Min(height - 1, y + 2);
            for (int x = 0; x < width; x++)
            {
                int c = counts[(y * width) + x];
                if (c <= SeedMinimum)
                {
                    continue;
                }

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
                    seeds.Add(((long)c << 32) | (uint)((y * width) + x));
                }
            }
        }

        long[] result = seeds.ToArray();
        Array.Sort(result);
        return result;
    }

    /// <summary>Region index (1-based seed order) of every histogram bin, 0 outside all regions.</summary>
    private static int[] GrowSeeds(long[] seeds, int[] counts, int height, int width)
    {
        var regionOf = new int[height * width];
        Span<bool> reached = stackalloc bool[Window * Window];
        Span<bool> grown = stackalloc bool[Window * Window];
        for (int k = 0; k < seeds.Length; k++)
        {
            int bin = (int)(seeds[k] & 0xFFFFFFFF);
            int sy = bin / width;
            int sx = bin - (sy * width);
            reached.Clear();
            reached[(GrowthSteps * Window) + GrowthSteps] = true;

            // Each step: dilate by the 3x3 square, keep only bins holding more than 2 pixels (Cellpose's
            // max-pool then multiply; bins outside the image hold none).
            for (int step = 0; step < GrowthSteps; step++)
            {
                for (int wy = 0; wy < Window; wy++)
                {
                    int y = sy + wy - GrowthSteps;
                    for (int wx = 0; wx < Window; wx++)
                    {
                        int x = sx + wx - GrowthSteps;
                        bool on = false;
                        if ((uint)y < (uint)height && (uint)x < (uint)width && counts[(y * width) + x] > GrowthMinimum)
                        {
                            for (int ny = Math.Max(0, wy - 1); ny <= Math.Min(Window - 1, wy + 1) && !on; ny++)
                            {
                                for (int nx = Math.Max(0, wx - 1); nx <= Math.Min(Window - 1, wx + 1); nx++)
                                {
                                    if (reached[(ny * Window) + nx])
                                    {
                                        on = true;
                                        break;
                                    }
                                }
                            }
                        }

                        grown[(wy * Window) + wx] = on;
                    }
                }

                grown.CopyTo(reached);
            }

            for (int wy = 0; wy < Window; wy++)
            {
                for (int wx = 0; wx < Window; wx++)
                {
                    if (reached[(wy * Window) + wx])
                    {
                        regionOf[((sy + wy - GrowthSteps) * width) + sx + wx - GrowthSteps] = k + 1;
                    }
                }
            }
        }

        return regionOf;
    }
}

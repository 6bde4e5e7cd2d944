using System.Buffers;

namespace SegKit.Core.Transforms;

/// <summary>
/// Exact percentiles of a plane's finite values without copying it (a quickselect needs a copy of 4 bytes per pixel).
/// Each value has an order-preserving 32-bit key; one pass counts the keys' upper 16 bits, which places every wanted
/// rank in one bin; a second pass counts the lower 16 bits inside those bins only, which gives the exact key, hence
/// the exact value, of each rank. Percentiles interpolate between order statistics as numpy's default does
/// (<see cref="Normalization.Percentile"/>, which this matches bit for bit; -0 counts as +0).
/// </summary>
internal static class OrderStatistics
{
    private const int Bins = 1 << 16;

    /// <summary>
    /// The <paramref name="percents"/>-th percentiles of the finite values of <paramref name="plane"/> into
    /// <paramref name="results"/>, with the finite extremes; false when no value is finite.
    /// </summary>
    public static bool TryPercentiles(ReadOnlySpan<float> plane, ReadOnlySpan<double> percents, Span<float> results, out float min, out float max)
    {
        if (results.Length < percents.Length)
        {
            throw new ArgumentException($"{percents.Length} percentiles need as many results", nameof(results));
        }

        foreach (double percent in percents)
        {
            if (percent is < 0 or > 100 || double.IsNaN(percent))
            {
                throw new ArgumentOutOfRangeException(nameof(percents), percent, "percentile must be within 0..100");
            }
        }

        // The counts (256 KB each) are rented: a service normalising many small images would otherwise churn the
        // large-object heap with them.
        int[] coarse = Rent();
        var fine = new List<int[]>();
        try
        {
            return TryPercentiles(plane, percents, results, coarse, fine, out min, out max);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(coarse);
            foreach (int[] counts in fine)
            {
                ArrayPool<int>.Shared.Return(counts);
            }
        }
    }

    private static bool TryPercentiles(ReadOnlySpan<float> plane, ReadOnlySpan<double> percents, Span<float> results, int[] coarse, List<int[]> fine, out float min, out float max)
    {
        long n = 0;
        min = float.PositiveInfinity;
        max = float.NegativeInfinity;
        foreach (float v in plane)
        {
            if (float.IsFinite(v))
            {
                coarse[Key(v) >> 16]++;
                n++;
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        if (n == 0)
        {
            return false;
        }

        // Two ranks per percentile (the second only when it interpolates): at most eight, in at most eight bins.
        Span<long> ranks = stackalloc long[2 * percents.Length];
        for (int i = 0; i < percents.Length; i++)
        {
            double position = percents[i] / 100.0 * (n - 1);
            long k = (long)Math.Floor(position);
            ranks[2 * i] = k;
            ranks[(2 * i) + 1] = position - k == 0 || k + 1 >= n ? -1 : k + 1;
        }

        Span<int> binOf = stackalloc int[ranks.Length];
        Span<long> rankInBin = stackalloc long[ranks.Length];
        for (int r = 0; r < ranks.Length; r++)
        {
            binOf[r] = -1;
            if (ranks[r] >= 0)
            {
                long before = 0;
                int b = 0;
                while (before + coarse[b] <= ranks[r])
                {
                    before += coarse[b++];
                }

                binOf[r] = b;
                rankInBin[r] = ranks[r] - before;
            }
        }

        var bins = new List<int>();
        foreach (int b in binOf)
        {
            if (b >= 0 && !bins.Contains(b))
            {
                bins.Add(b);
            }
        }

        // The coarse counts are no longer needed: they become the map from a bin to its fine counts (1-based, 0 for
        // none), one lookup per pixel in the second pass.
        Array.Clear(coarse, 0, Bins);
        for (int j = 0; j < bins.Count; j++)
        {
            fine.Add(Rent());
            coarse[bins[j]] = j + 1;
        }

        foreach (float v in plane)
        {
            if (float.IsFinite(v))
            {
                uint key = Key(v);
                int j = coarse[key >> 16];
                if (j > 0)
                {
                    fine[j - 1][key & 0xFFFF]++;
                }
            }
        }

        Span<float> values = stackalloc float[ranks.Length];
        for (int r = 0; r < ranks.Length; r++)
        {
            if (binOf[r] >= 0)
            {
                int[] counts = fine[bins.IndexOf(binOf[r])];
                long before = 0;
                int low = 0;
                while (before + counts[low] <= rankInBin[r])
                {
                    before += counts[low++];
                }

                values[r] = Value(((uint)binOf[r] << 16) | (uint)low);
            }
        }

        for (int i = 0; i < percents.Length; i++)
        {
            float a = values[2 * i];
            if (ranks[(2 * i) + 1] < 0)
            {
                results[i] = a;
                continue;
            }

            double position = percents[i] / 100.0 * (n - 1);
            results[i] = Normalization.Lerp(a, values[(2 * i) + 1], position - Math.Floor(position));
        }

        return true;
    }

    private static int[] Rent()
    {
        int[] counts = ArrayPool<int>.Shared.Rent(Bins);
        Array.Clear(counts, 0, Bins);
        return counts;
    }

    /// <summary>An unsigned key in the values' order: the sign bit set for positives, all bits flipped for negatives.</summary>
    private static uint Key(float v)
    {
        uint bits = v == 0f ? 0u : BitConverter.SingleToUInt32Bits(v);
        return (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
    }

    private static float Value(uint key) =>
        BitConverter.UInt32BitsToSingle((key & 0x8000_0000u) != 0 ? key & 0x7FFF_FFFFu : ~key);
}

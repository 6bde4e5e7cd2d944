namespace SegKit.Core.Classical;

/// <summary>
/// Otsu's threshold: the level that maximises the between-class variance of a 256-bin histogram spanning the
/// finite values (skimage's threshold_otsu convention: the threshold is a bin centre; pixels above it are the upper class).
/// </summary>
public static class Otsu
{
    public const int Bins = 256;

    /// <summary>The threshold, or null when there are no finite values or all are equal (nothing to separate).</summary>
    public static float? Threshold(ReadOnlySpan<float> values)
    {
        float min = float.PositiveInfinity;
        float max = float.NegativeInfinity;
        foreach (float v in values)
        {
            if (float.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        if (!(max > min))
        {
            return null;
        }

        var histogram = new long[Bins];
        double scale = Bins / ((double)max - min);
        foreach (float v in values)
        {
            if (float.IsFinite(v))
            {
                histogram[Math.Min((int)((v - min) * scale), Bins - 1)]++;
            }
        }

        double binWidth = ((double)max - min) / Bins;
        double total = 0;
        double totalSum = 0;
        for (int i = 0; i < Bins; i++)
        {
            total += histogram[i];
            totalSum += histogram[i] * Centre(i);
        }

        double weightLow = 0;
        double sumLow = 0;
        double best = -1;
        int bestBin = 0;
        for (int i = 0; i < Bins - 1; i++)
        {
            weightLow += histogram[i];
            sumLow += histogram[i] * Centre(i);
            double weightHigh = total - weightLow;
            if (weightLow == 0 || weightHigh == 0)
            {
                continue;
            }

            double meanLow = sumLow / weightLow;
            double meanHigh = (totalSum - sumLow) / weightHigh;
            double between = weightLow * weightHigh * (meanLow - meanHigh) * (meanLow - meanHigh);
            if (between > best)
            {
                best = between;
                bestBin = i;
            }
        }

        return (float)(min + ((bestBin + 0.5) * binWidth));

        double Centre(int bin) => bin + 0.5;
    }
}

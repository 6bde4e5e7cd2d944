namespace SegKit.Core.Classical;

/// <summary>Separable Gaussian blur of one plane, with mirrored borders (kernel radius 3 sigma).</summary>
public static class GaussianSmoothing
{
    public static float[] Apply(ReadOnlySpan<float> plane, int height, int width, double sigma)
    {
        if (plane.Length != height * width)
        {
            throw new ArgumentException($"plane has {plane.Length} values, not {height}x{width}", nameof(plane));
        }

        if (double.IsNaN(sigma) || sigma < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be zero or positive");
        }

        float[] source = plane.ToArray();
        if (sigma == 0)
        {
            return source;
        }

        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var kernel = new float[(2 * radius) + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++)
        {
            sum += kernel[i + radius] = (float)Math.Exp(-(i * i) / (2 * sigma * sigma));
        }

        for (int i = 0; i < kernel.Length; i++)
        {
            kernel[i] = (float)(kernel[i] / sum);
        }

        var rows = new float[source.Length];
        Parallel.For(0, height, y =>
        {
            ReadOnlySpan<float> src = source.AsSpan(y * width, width);
            Span<float> dst = rows.AsSpan(y * width, width);
            for (int x = 0; x < width; x++)
            {
                float acc = 0;
                for (int k = -radius; k <= radius; k++)
                {
                    acc += kernel[k + radius] * src[Tiling.TilePlan.Mirror(x + k, width)];
                }

                dst[x] = acc;
            }
        });

        var result = new float[source.Length];
        Parallel.For(0, height, y =>
        {
            Span<float> dst = result.AsSpan(y * width, width);
            for (int k = -radius; k <= radius; k++)
            {
                float weight = kernel[k + radius];
                ReadOnlySpan<float> src = rows.AsSpan(Tiling.TilePlan.Mirror(y + k, height) * width, width);
                for (int x = 0; x < width; x++)
                {
                    dst[x] += weight * src[x];
                }
            }
        });
        return result;
    }
}

using SegKit.Core.Classical;
using SegKit.Core.Images;

namespace SegKit.Core.Targets;

/// <summary>
/// U-Net's pixel weights (Ronneberger et al. 2015, eq. 2): w(x) = w_c(x) + w0 exp(-(d1(x) + d2(x))^2 / (2 sigma^2)),
/// where w_c balances class frequencies and d1, d2 are the distances from a background pixel to the nearest and
/// second-nearest object. The thin background between touching cells gets a large weight, so the network learns
/// to separate them.
/// </summary>
public static class UNetWeightMap
{
    /// <summary>Weights for a label image, row-major like its pixels.</summary>
    /// <param name="labels">Objects 1..N; their union is the foreground class.</param>
    /// <param name="w0">Border weight (the paper: 10).</param>
    /// <param name="sigma">Border width in pixels (the paper: 5).</param>
    /// <param name="balanceClasses">Weigh both classes as if equally frequent (the paper's w_c); off: every pixel's base weight is 1.</param>
    public static float[] Compute(LabelImage labels, double w0 = 10, double sigma = 5, bool balanceClasses = true)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (!(w0 >= 0) || double.IsInfinity(w0))
        {
            throw new ArgumentOutOfRangeException(nameof(w0), w0, "w0 must be a finite number >= 0");
        }

        if (!(sigma > 0) || double.IsInfinity(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be a positive number of pixels");
        }

        int h = labels.Height;
        int w = labels.Width;
        int[] l = labels.Buffer;
        long foreground = l.Count(v => v != 0);
        long background = l.Length - foreground;

        // Class balance: each class weighs in as if both were equally frequent (mean weight 1).
        float backgroundWeight = background == 0 || !balanceClasses ? 1f : (float)(l.Length / (2.0 * background));
        float foregroundWeight = foreground == 0 || !balanceClasses ? 1f : (float)(l.Length / (2.0 * foreground));
        var weights = new float[l.Length];
        for (int i = 0; i < l.Length; i++)
        {
            weights[i] = l[i] == 0 ? backgroundWeight : foregroundWeight;
        }

        if (labels.MaxLabel < 2 || w0 == 0)
        {
            return weights;
        }

        // Beyond this distance from the second-nearest object the border term is below 1e-4 * w0: only windows
        // around each object need distances, which keeps the cost proportional to the objects' surroundings.
        int reach = (int)Math.Ceiling(sigma * Math.Sqrt(2 * Math.Log(1e4)));
        var d1 = new float[l.Length];
        var d2 = new float[l.Length];
        Array.Fill(d1, float.PositiveInfinity);
        Array.Fill(d2, float.PositiveInfinity);
        foreach (LabelObject o in labels.Objects())
        {
            int top = Math.Max(0, o.Box.Top - reach);
            int left = Math.Max(0, o.Box.Left - reach);
            int bottom = Math.Min(h, o.Box.Bottom + reach);
            int right = Math.Min(w, o.Box.Right + reach);
            int wh = bottom - top;
            int ww = right - left;
            var notObject = new bool[wh * ww];
            for (int y = 0; y < wh; y++)
            {
                for (int x = 0; x < ww; x++)
                {
                    notObject[(y * ww) + x] = l[((top + y) * w) + left + x] != o.Label;
                }
            }

            float[] distance = DistanceTransform.Euclidean(notObject, wh, ww);
            for (int y = 0; y < wh; y++)
            {
                for (int x = 0; x < ww; x++)
                {
                    int i = ((top + y) * w) + left + x;
                    float d = distance[(y * ww) + x];
                    if (l[i] != 0 || d > reach)
                    {
                        continue;
                    }

                    if (d < d1[i])
                    {
                        d2[i] = d1[i];
                        d1[i] = d;
                    }
                    else if (d < d2[i])
                    {
                        d2[i] = d;
                    }
                }
            }
        }

        double twoSigmaSquared = 2 * sigma * sigma;
        for (int i = 0; i < l.Length; i++)
        {
            if (l[i] == 0 && float.IsFinite(d2[i]))
            {
                double s = d1[i] + d2[i];
                weights[i] += (float)(w0 * Math.Exp(-(s * s) / twoSigmaSquared));
            }
        }

        return weights;
    }
}

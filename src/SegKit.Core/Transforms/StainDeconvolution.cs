using SegKit.Core.Images;

namespace SegKit.Core.Transforms;

/// <summary>
/// Colour deconvolution of brightfield stains (Ruifrok and Johnston, Anal. Quant. Cytol. Histol. 23:291-299, 2001).
/// Transmitted light obeys Beer-Lambert: each channel's optical density, -ln(I / I0), is a sum of the stains' amounts
/// times their absorption colours, so the amounts are the optical densities times the inverse of the stain matrix.
/// Haematoxylin stains nuclei; as its amount, an H&amp;E image's nuclei are bright on a dark background, whatever the eosin
/// (pink) of the tissue around them, while a grey mean of the colours mixes the two stains.
/// </summary>
public static class StainDeconvolution
{
    /// <summary>Percentile of each channel taken as its unstained (background) intensity I0.</summary>
    public const double BackgroundPercentile = 99;

    // Optical densities of the stains in R, G, B (Ruifrok and Johnston's H&E vectors, as scikit-image's rgb2hed uses),
    // each of unit length; the third is the residual orthogonal to both.
    private static readonly double[] s_haematoxylin = Unit([0.65, 0.70, 0.29]);
    private static readonly double[] s_eosin = Unit([0.07, 0.99, 0.11]);

    /// <summary>Weights of the R, G, B optical densities that give the haematoxylin amount.</summary>
    private static readonly double[] s_haematoxylinWeights = HaematoxylinRow();

    /// <summary>
    /// Writes the haematoxylin amount of every pixel of <paramref name="source"/> to <paramref name="destination"/> when it
    /// is a stained colour image with a bright background (<see cref="BackgroundPolarity.IsStainedColour"/>), else zeros:
    /// a grey or fluorescence image has no stain to separate.
    /// </summary>
    public static void Haematoxylin(Image source, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (destination.Length != source.PlaneSize)
        {
            throw new ArgumentException($"destination has {destination.Length} values; the image's planes have {source.PlaneSize}", nameof(destination));
        }

        if (!BackgroundPolarity.IsStainedColour(source, out bool brightBackground) || !brightBackground)
        {
            destination.Clear();
            return;
        }

        // ln(I0 / I) per channel as ln(I0) - ln(max(I, 1)): a pixel brighter than the background has a negative density,
        // kept as it is (the 1st-99th percentile normalisation that follows clips such outliers).
        Span<double> logBackground = stackalloc double[3];
        Span<float> background = stackalloc float[1];
        for (int c = 0; c < 3; c++)
        {
            float bright = OrderStatistics.TryPercentiles(source.Plane(c), [BackgroundPercentile], background, out _, out _) ? background[0] : 1f;
            logBackground[c] = Math.Log(Math.Max(1.0, bright));
        }

        ReadOnlySpan<float> r = source.Plane(0);
        ReadOnlySpan<float> g = source.Plane(1);
        ReadOnlySpan<float> b = source.Plane(2);
        double wr = s_haematoxylinWeights[0];
        double wg = s_haematoxylinWeights[1];
        double wb = s_haematoxylinWeights[2];
        double offset = (wr * logBackground[0]) + (wg * logBackground[1]) + (wb * logBackground[2]);
        for (int i = 0; i < destination.Length; i++)
        {
            double density = offset
                - (wr * Math.Log(Math.Max(1f, r[i])))
                - (wg * Math.Log(Math.Max(1f, g[i])))
                - (wb * Math.Log(Math.Max(1f, b[i])));
            destination[i] = (float)density;
        }
    }

    /// <summary>
    /// The first column of the inverse of the stain matrix (rows: haematoxylin, eosin, residual): the optical density of
    /// a pixel, a row vector, times this column is its haematoxylin amount.
    /// </summary>
    private static double[] HaematoxylinRow()
    {
        double[] h = s_haematoxylin;
        double[] e = s_eosin;
        double[] residual = Unit([(h[1] * e[2]) - (h[2] * e[1]), (h[2] * e[0]) - (h[0] * e[2]), (h[0] * e[1]) - (h[1] * e[0])]);
        double[][] m = [h, e, residual];

        // Cofactors of the first column of the inverse: (M^-1)[k][0] = C[0][k] / det, C the cofactor matrix of M.
        double c00 = (m[1][1] * m[2][2]) - (m[1][2] * m[2][1]);
        double c01 = -((m[1][0] * m[2][2]) - (m[1][2] * m[2][0]));
        double c02 = (m[1][0] * m[2][1]) - (m[1][1] * m[2][0]);
        double det = (m[0][0] * c00) + (m[0][1] * c01) + (m[0][2] * c02);
        return [c00 / det, c01 / det, c02 / det];
    }

    private static double[] Unit(double[] v)
    {
        double length = Math.Sqrt((v[0] * v[0]) + (v[1] * v[1]) + (v[2] * v[2]));
        return [v[0] / length, v[1] / length, v[2] / length];
    }
}

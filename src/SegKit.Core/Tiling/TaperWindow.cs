namespace SegKit.Core.Tiling;

/// <summary>
/// Cellpose's blending weights: a separable sigmoid that is ~1 in the tile's centre and falls off over the
/// outer ~20 pixels, so overlapping tiles hand over smoothly instead of leaving seams.
/// </summary>
public static class TaperWindow
{
    /// <summary>Cellpose's default sigmoid width, in pixels.</summary>
    public const double DefaultSigma = 7.5;

    /// <summary>A tile x tile window (row-major). Every weight is strictly positive, so every pixel of a tile counts.</summary>
    public static float[] Create(int tileSize, double sigma = DefaultSigma)
    {
        if (tileSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(tileSize), tileSize, "tile size must be positive");
        }

        if (!(sigma > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be positive");
        }

        // As Cellpose's _taper_mask: the profile is built on a window of at least 224 pixels and the centre cut out.
        int full = Math.Max(224, tileSize);
        double centre = (full - 1) / 2.0;
        var profile = new double[tileSize];
        int offset = (full / 2) - (tileSize / 2);
        for (int i = 0; i < tileSize; i++)
        {
            double distance = Math.Abs(offset + i - centre);
            profile[i] = 1.0 / (1.0 + Math.Exp((distance - ((full / 2.0) - 20.0)) / sigma));
        }

        var window = new float[tileSize * tileSize];
        for (int y = 0; y < tileSize; y++)
        {
            for (int x = 0; x < tileSize; x++)
            {
                window[(y * tileSize) + x] = (float)(profile[y] * profile[x]);
            }
        }

        return window;
    }
}

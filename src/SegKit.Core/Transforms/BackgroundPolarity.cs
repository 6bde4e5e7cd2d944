using SegKit.Core.Images;

namespace SegKit.Core.Transforms;

/// <summary>
/// Decides whether an image's background is bright (brightfield, H&amp;E and other stained tissue: dark nuclei) or dark
/// (fluorescence: bright nuclei).
/// The normalised median alone fails on dense tissue: when stained tissue fills the frame, the pink cytoplasm and the
/// dark nuclei make up most pixels, the median falls below the middle of the 1st-99th percentile range and the white
/// gaps between cells look like the objects. Colour is the robust cue: a true-colour image (stain) that is bright in
/// absolute terms (transmitted light: the median at least half of the bright end) has a bright background, however
/// much tissue fills it; a colour fluorescence image keeps a median near zero.
/// </summary>
public static class BackgroundPolarity
{
    /// <summary>Mean chroma (max - min over R, G, B) relative to the bright end below which an image counts as grey.</summary>
    public const float ColourThreshold = 0.04f;

    /// <summary>
    /// True when the background of <paramref name="source"/> is bright. <paramref name="normalized"/> is the model's
    /// normalised input (its first channel decides for grey images); <paramref name="source"/> the image before channel
    /// selection (null: decide from <paramref name="normalized"/> alone).
    /// </summary>
    public static bool IsBright(Image normalized, Image? source = null)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        if (source is not null && IsStainedColour(source, out bool brightColour))
        {
            return brightColour;
        }

        float[] copy = normalized.Plane(0).ToArray();
        return copy.Length > 0 && Normalization.Percentile(copy, 50) > 0.5f;
    }

    /// <summary>
    /// Whether <paramref name="source"/> is a true-colour image (at least three channels that differ), and if so whether
    /// its background is bright: the median grey at least half of the 99th percentile.
    /// </summary>
    public static bool IsStainedColour(Image source, out bool brightBackground)
    {
        ArgumentNullException.ThrowIfNull(source);
        brightBackground = false;
        if (source.Channels < 3 || source.PlaneSize == 0)
        {
            return false;
        }

        ReadOnlySpan<float> r = source.Plane(0);
        ReadOnlySpan<float> g = source.Plane(1);
        ReadOnlySpan<float> b = source.Plane(2);
        var gray = new float[source.PlaneSize];
        double chroma = 0;
        for (int i = 0; i < gray.Length; i++)
        {
            float max = MathF.Max(r[i], MathF.Max(g[i], b[i]));
            float min = MathF.Min(r[i], MathF.Min(g[i], b[i]));
            chroma += float.IsFinite(max - min) ? max - min : 0;
            gray[i] = (r[i] + g[i] + b[i]) / 3f;
        }

        float bright = Normalization.Percentile(gray, 99);
        if (!(bright > 0) || chroma / gray.Length < ColourThreshold * bright)
        {
            return false;
        }

        brightBackground = Normalization.Percentile(gray, 50) >= 0.5f * bright;
        return true;
    }
}

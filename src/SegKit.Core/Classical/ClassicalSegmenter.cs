using SegKit.Core.Images;
using SegKit.Core.Transforms;

namespace SegKit.Core.Classical;

/// <summary>
/// The pre-deep-learning baseline for nuclei: normalise, smooth, Otsu threshold, fill holes, connected
/// components, then a distance-transform watershed seeded by h-maxima to split touching nuclei, and removal of
/// small objects. Stateless and thread-safe.
/// </summary>
public sealed class ClassicalSegmenter
{
    public ClassicalSegmenter(ClassicalOptions? options = null)
    {
        Options = options ?? new ClassicalOptions();
        if (Options.MinSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.MinSize, "MinSize must be zero or more");
        }

        if (double.IsNaN(Options.Sigma) || Options.Sigma < 0 || Options.Sigma > 50)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.Sigma, "Sigma must be within 0..50");
        }

        if (!(Options.MarkerHeight >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.MarkerHeight, "MarkerHeight must be zero or positive");
        }
    }

    public ClassicalOptions Options { get; }

    /// <summary>Segments the gray version of <paramref name="image"/> (mean of colour channels); objects numbered 1..N.</summary>
    public LabelImage Segment(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int h = image.Height;
        int w = image.Width;
        float[] gray = image.Channels == 1 ? image.Plane(0).ToArray() : image.ToGray().Buffer;
        Normalization.NormalizeInPlace(gray);
        float[] smooth = GaussianSmoothing.Apply(gray, h, w, Options.Sigma);
        float? threshold = Otsu.Threshold(smooth);
        if (threshold is not float t)
        {
            return new LabelImage(h, w);
        }

        var foreground = new bool[smooth.Length];
        int above = 0;
        for (int i = 0; i < smooth.Length; i++)
        {
            if (smooth[i] > t)
            {
                above++;
            }
        }

        bool bright = Options.Polarity switch
        {
            ForegroundPolarity.Bright => true,
            ForegroundPolarity.Dark => false,
            _ => above <= smooth.Length / 2,
        };
        for (int i = 0; i < smooth.Length; i++)
        {
            foreground[i] = bright ? smooth[i] > t : smooth[i] <= t;
        }

        if (Options.FillHoles)
        {
            FillHoles(foreground, h, w);
        }

        LabelImage objects = ConnectedComponents.Label(foreground, h, w, Connectivity.Eight);
        RemoveSmall(objects, Options.MinSize, foreground);
        if (Options.SplitTouching)
        {
            float[] distance = DistanceTransform.Euclidean(foreground, h, w);
            LabelImage markers = RegionalMaxima.HMaxima(distance, foreground, h, w, Options.MarkerHeight);
            var elevation = new float[distance.Length];
            for (int i = 0; i < elevation.Length; i++)
            {
                elevation[i] = -distance[i];
            }

            objects = Watershed.Flood(elevation, markers, foreground);
            RemoveSmall(objects, Options.MinSize, null);
        }

        return objects.Renumber();
    }

    /// <summary>Background regions that do not reach the image border become foreground.</summary>
    private static void FillHoles(bool[] foreground, int h, int w)
    {
        var background = new bool[foreground.Length];
        for (int i = 0; i < background.Length; i++)
        {
            background[i] = !foreground[i];
        }

        LabelImage regions = ConnectedComponents.Label(background, h, w, Connectivity.Four);
        var touchesBorder = new bool[regions.MaxLabel + 1];
        for (int x = 0; x < w; x++)
        {
            touchesBorder[regions[0, x]] = true;
            touchesBorder[regions[h - 1, x]] = true;
        }

        for (int y = 0; y < h; y++)
        {
            touchesBorder[regions[y, 0]] = true;
            touchesBorder[regions[y, w - 1]] = true;
        }

        int[] r = regions.Buffer;
        for (int i = 0; i < r.Length; i++)
        {
            if (r[i] != 0 && !touchesBorder[r[i]])
            {
                foreground[i] = true;
            }
        }
    }

    /// <summary>Zeroes objects under <paramref name="minSize"/> pixels (and clears them from <paramref name="foreground"/> if given).</summary>
    private static void RemoveSmall(LabelImage labels, int minSize, bool[]? foreground)
    {
        if (minSize <= 1)
        {
            return;
        }

        var area = new int[labels.MaxLabel + 1];
        int[] l = labels.Buffer;
        foreach (int v in l)
        {
            area[v]++;
        }

        for (int i = 0; i < l.Length; i++)
        {
            if (l[i] != 0 && area[l[i]] < minSize)
            {
                l[i] = 0;
                if (foreground is not null)
                {
                    foreground[i] = false;
                }
            }
        }

        labels.Refresh();
    }
}

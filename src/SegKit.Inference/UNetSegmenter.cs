using SegKit.Core.Classical;
using SegKit.Core.Images;
using SegKit.Core.Tiling;
using SegKit.Core.Transforms;

namespace SegKit.Inference;

/// <summary>
/// Semantic segmentation with a U-Net: gray channel, normalize99, tiles, softmax (or sigmoid), class map, then
/// instances. A same-padding U-Net (output at the input's size) runs on overlapping tiles with mirrored borders and
/// taper blending of the logits; a valid-padding one (<see cref="UNetSegmenterOptions.Halo"/> above 0) on the
/// paper's overlap-tile scheme (Core's <see cref="OverlapTilePrediction"/>): each tile's input is its output plus the
/// halo on every side, mirrored beyond the image, and the outputs are laid side by side without blending.
/// </summary>
public sealed class UNetSegmenter
{
    private readonly ITileNetwork _network;

    public UNetSegmenter(ITileNetwork network, UNetSegmenterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        Options = options ?? new UNetSegmenterOptions();
        if (network.OutputChannels != Options.Classes)
        {
            throw new ArgumentException($"the network outputs {network.OutputChannels} channel(s) but {Options.Classes} classes were configured", nameof(network));
        }

        if (Options.Instances == InstanceMode.BoundaryWatershed && Options.BoundaryClass is null)
        {
            throw new ArgumentException("BoundaryWatershed needs a BoundaryClass", nameof(options));
        }

        if (Options.Halo < 0 || 2 * Options.Halo >= Options.TileSize)
        {
            throw new ArgumentException($"a halo of {Options.Halo} leaves no output in a {Options.TileSize}-pixel tile", nameof(options));
        }

        if (Options.Halo > 0 && Options.FlipAugmentation)
        {
            throw new ArgumentException("flip augmentation is available for same-padding U-Nets only (this one has a halo)", nameof(options));
        }

        if (Options.Halo > 0 && OverlapTiles.Problem() is string problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _network = network;
    }

    public UNetSegmenterOptions Options { get; }

    private OverlapTileOptions OverlapTiles => new()
    {
        TileSize = Options.TileSize,
        Halo = Options.Halo,
        DownsamplingFactor = Options.DownsamplingFactor,
        BatchSize = Options.BatchSize,
    };

    /// <summary>The network's class logits [classes, H, W] for the (gray, normalised) image, tiled as the padding needs.</summary>
    public Image Logits(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Image raw = image.Channels == 1 ? image : image.ToGray();
        Image gray = Options.Intensity is { } scale ? scale.Apply(raw)
            : Options.ZeroMeanUnitVariance ? IntensityScale.ZeroMeanUnitVariance(raw, Options.NormalizeEpsilon).Apply(raw)
            : Normalization.Normalize99(raw, Options.LowPercentile, Options.HighPercentile);
        return Options.Halo > 0
            ? OverlapTilePrediction.Run(gray, _network, OverlapTiles)
            : TiledPrediction.Run(gray, _network, new TilingOptions { TileSize = Options.TileSize, BatchSize = Options.BatchSize, Flows = null, FlipAugmentation = Options.FlipAugmentation });
    }

    /// <summary>Class probabilities [classes, H, W] (softmax; for one class, the sigmoid of the foreground logit).</summary>
    public Image Probabilities(Image image)
    {
        Image logits = Logits(image);
        ToProbabilities(logits);
        return logits;
    }

    /// <summary>
    /// Turns blended logits [classes, H, W] into probabilities in place: softmax over the classes, or the sigmoid for one
    /// class. Public so that pipelines that tile and blend elsewhere (SegKit.ML) finish exactly as this segmenter does.
    /// </summary>
    public static void ToProbabilities(Image logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        int classes = logits.Channels;
        int plane = logits.PlaneSize;
        float[] p = logits.Buffer;
        if (classes == 1)
        {
            for (int i = 0; i < plane; i++)
            {
                p[i] = 1f / (1f + MathF.Exp(-p[i]));
            }

            return;
        }

        Parallel.For(0, logits.Height, y =>
        {
            for (int i = y * logits.Width; i < (y + 1) * logits.Width; i++)
            {
                float max = float.NegativeInfinity;
                for (int c = 0; c < classes; c++)
                {
                    max = Math.Max(max, p[(c * plane) + i]);
                }

                float sum = 0;
                for (int c = 0; c < classes; c++)
                {
                    sum += p[(c * plane) + i] = MathF.Exp(p[(c * plane) + i] - max);
                }

                for (int c = 0; c < classes; c++)
                {
                    p[(c * plane) + i] /= sum;
                }
            }
        });
    }

    /// <summary>
    /// Runs the network once: the class map, its objects, the foreground probability and the object table
    /// (<see cref="SegmentationResult.ClassMap"/> is set).
    /// </summary>
    public SegmentationResult Segment(Image image)
    {
        Image probabilities = Probabilities(image);
        int[] classMap = ClassMap(probabilities);
        LabelImage labels = Instances(classMap, probabilities, Options);
        int foregroundClass = Options.Classes == 1 ? 1 : Options.ForegroundClass;
        return new SegmentationResult(labels, null, probabilities.Plane(foregroundClass == 1 && Options.Classes == 1 ? 0 : foregroundClass).ToArray(), ObjectMeasurement.Measure(labels, image))
        {
            ClassMap = classMap,
        };
    }

    /// <summary>
    /// The most probable class per pixel (row-major) from probabilities [classes, H, W]; with one class, 1 where its
    /// probability is above 0.5. Ties go to the lower class.
    /// </summary>
    public static int[] ClassMap(Image probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        int classes = probabilities.Channels;
        int plane = probabilities.PlaneSize;
        var map = new int[plane];
        float[] p = probabilities.Buffer;
        for (int i = 0; i < plane; i++)
        {
            if (classes == 1)
            {
                map[i] = p[i] > 0.5f ? 1 : 0;
                continue;
            }

            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (p[(c * plane) + i] > p[(best * plane) + i])
                {
                    best = c;
                }
            }

            map[i] = best;
        }

        return map;
    }

    /// <summary>
    /// Objects from class probabilities [classes, H, W] (see <see cref="ToProbabilities"/>): the most probable class per
    /// pixel, then connected components of the foreground class or a boundary watershed, then small objects removed.
    /// </summary>
    public static LabelImage Instances(Image probabilities, UNetSegmenterOptions options)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(options);
        if (probabilities.Channels != options.Classes)
        {
            throw new ArgumentException($"the probabilities have {probabilities.Channels} channel(s) but {options.Classes} classes were configured", nameof(probabilities));
        }

        if (options.Instances == InstanceMode.BoundaryWatershed && options.BoundaryClass is null)
        {
            throw new ArgumentException("BoundaryWatershed needs a BoundaryClass", nameof(options));
        }

        return Instances(ClassMap(probabilities), probabilities, options);
    }

    private static LabelImage Instances(int[] classes, Image probabilities, UNetSegmenterOptions options)
    {
        int h = probabilities.Height;
        int w = probabilities.Width;
        int foregroundClass = options.Classes == 1 ? 1 : options.ForegroundClass;
        bool[] foreground = classes.Select(c => c == foregroundClass).ToArray();
        LabelImage labels = ConnectedComponents.Label(foreground, h, w, Connectivity.Four);
        if (options.Instances == InstanceMode.BoundaryWatershed)
        {
            int boundary = options.BoundaryClass!.Value;
            bool[] mask = classes.Select(c => c == foregroundClass || c == boundary).ToArray();
            float[] elevation = probabilities.Plane(boundary).ToArray();
            labels = Watershed.Flood(elevation, labels, mask);
        }

        return RemoveSmall(labels, options.MinSize);
    }

    private static LabelImage RemoveSmall(LabelImage labels, int minSize)
    {
        var area = new long[labels.MaxLabel + 1];
        foreach (int v in labels.Buffer)
        {
            area[v]++;
        }

        var keep = new int[labels.MaxLabel + 1];
        for (int v = 1; v < keep.Length; v++)
        {
            keep[v] = area[v] >= minSize ? v : 0;
        }

        return labels.Relabel(keep).Renumber();
    }
}

using SegKit.Core.Classical;
using SegKit.Core.Images;
using SegKit.Core.Tiling;
using SegKit.Core.Transforms;

namespace SegKit.Inference;

/// <summary>
/// Semantic segmentation with a U-Net: gray channel, normalize99, tiles, softmax (or sigmoid), class map, then
/// instances. A same-padding U-Net (output at the input's size) runs on overlapping tiles with mirrored borders and
/// taper blending of the logits; a valid-padding one (<see cref="UNetSegmenterOptions.Halo"/> above 0) on the
/// paper's overlap-tile scheme: each tile's input is its output plus the halo on every side, mirrored beyond the
/// image, and the outputs are laid side by side without blending.
/// </summary>
public sealed class UNetSegmenter
{
    private readonly ITileNetwork _network;
    private readonly int _factor = 1;

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

        if (Options.Halo > 0)
        {
            _factor = Options.DownsamplingFactor ?? ((Options.Halo + 4) % 6 == 0 && int.IsPow2((Options.Halo + 4) / 6) ? (Options.Halo + 4) / 6 : 1);
            int output = Options.TileSize - (2 * Options.Halo);
            if (_factor < 1 || output < _factor)
            {
                throw new ArgumentException($"a {Options.TileSize}-pixel tile with halo {Options.Halo} gives {output} output pixels, fewer than the down-sampling factor {_factor}; use a larger tile", nameof(options));
            }
        }

        _network = network;
    }

    public UNetSegmenterOptions Options { get; }

    /// <summary>The network's class logits [classes, H, W] for the (gray, normalised) image, tiled as the padding needs.</summary>
    public Image Logits(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Image gray = Normalization.Normalize99(image.Channels == 1 ? image : image.ToGray());
        return Options.Halo > 0
            ? ValidTiles(gray)
            : TiledPrediction.Run(gray, _network, new TilingOptions { TileSize = Options.TileSize, BatchSize = Options.BatchSize, Flows = null });
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

    public SegmentationResult Segment(Image image)
    {
        Image probabilities = Probabilities(image);
        LabelImage labels = Instances(probabilities, Options);
        int foregroundClass = Options.Classes == 1 ? 1 : Options.ForegroundClass;
        return new SegmentationResult(labels, null, probabilities.Plane(foregroundClass == 1 && Options.Classes == 1 ? 0 : foregroundClass).ToArray(), ObjectMeasurement.Measure(labels, image));
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

        int h = probabilities.Height;
        int w = probabilities.Width;
        int plane = h * w;
        var classes = new int[plane];
        for (int i = 0; i < plane; i++)
        {
            if (options.Classes == 1)
            {
                classes[i] = probabilities.Buffer[i] > 0.5f ? 1 : 0;
                continue;
            }

            int best = 0;
            for (int c = 1; c < options.Classes; c++)
            {
                if (probabilities.Buffer[(c * plane) + i] > probabilities.Buffer[(best * plane) + i])
                {
                    best = c;
                }
            }

            classes[i] = best;
        }

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

    /// <summary>
    /// The overlap-tile scheme: output tiles on a grid whose step is the output side rounded down to the
    /// down-sampling factor; each tile's input is its output window grown by the halo, read from the image mirrored
    /// without bound. Every output pixel comes from exactly one tile.
    /// </summary>
    private Image ValidTiles(Image gray)
    {
        int h = gray.Height;
        int w = gray.Width;
        int tile = Options.TileSize;
        int halo = Options.Halo;
        int output = tile - (2 * halo);
        int step = output - (output % _factor);
        int rows = (h + step - 1) / step;
        int columns = (w + step - 1) / step;
        int classes = _network.OutputChannels;
        var logits = new Image(classes, h, w);
        int batch = Math.Max(1, Options.BatchSize);
        var input = new float[batch * tile * tile];
        var result = new float[batch * classes * output * output];
        var sourceColumns = new int[tile];
        ReadOnlySpan<float> source = gray.Buffer;
        for (int first = 0; first < rows * columns; first += batch)
        {
            int count = Math.Min(batch, (rows * columns) - first);
            for (int b = 0; b < count; b++)
            {
                int top = ((first + b) / columns * step) - halo;
                int left = ((first + b) % columns * step) - halo;
                for (int x = 0; x < tile; x++)
                {
                    sourceColumns[x] = TilePlan.Mirror(left + x, w);
                }

                for (int y = 0; y < tile; y++)
                {
                    ReadOnlySpan<float> row = source.Slice(TilePlan.Mirror(top + y, h) * w, w);
                    Span<float> target = input.AsSpan(((b * tile) + y) * tile, tile);
                    for (int x = 0; x < tile; x++)
                    {
                        target[x] = row[sourceColumns[x]];
                    }
                }
            }

            _network.Run(input.AsSpan(0, count * tile * tile), count, 1, tile, result.AsSpan(0, count * classes * output * output));
            for (int b = 0; b < count; b++)
            {
                int top = (first + b) / columns * step;
                int left = (first + b) % columns * step;
                int height = Math.Min(step, h - top);
                int width = Math.Min(step, w - left);
                for (int c = 0; c < classes; c++)
                {
                    for (int y = 0; y < height; y++)
                    {
                        result.AsSpan((((b * classes) + c) * output * output) + (y * output), width).CopyTo(logits.Row(c, top + y).Slice(left, width));
                    }
                }
            }
        }

        return logits;
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

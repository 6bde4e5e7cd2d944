using SegKit.Core.Classical;
using SegKit.Core.Images;
using SegKit.Core.Tiling;
using SegKit.Core.Transforms;

namespace SegKit.Inference;

/// <summary>
/// Semantic segmentation with a U-Net whose output has the input's size: gray channel, normalize99, overlapping tiles
/// with mirrored borders and taper blending of the logits, softmax (or sigmoid), class map, then instances.
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

        _network = network;
    }

    public UNetSegmenterOptions Options { get; }

    /// <summary>Class probabilities [classes, H, W] (softmax; for one class, the sigmoid of the foreground logit).</summary>
    public Image Probabilities(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Image gray = Normalization.Normalize99(image.Channels == 1 ? image : image.ToGray());
        Image logits = TiledPrediction.Run(gray, _network, new TilingOptions { TileSize = Options.TileSize, BatchSize = Options.BatchSize, Flows = null });
        int plane = logits.PlaneSize;
        float[] p = logits.Buffer;
        if (Options.Classes == 1)
        {
            for (int i = 0; i < plane; i++)
            {
                p[i] = 1f / (1f + MathF.Exp(-p[i]));
            }

            return logits;
        }

        Parallel.For(0, logits.Height, y =>
        {
            for (int i = y * logits.Width; i < (y + 1) * logits.Width; i++)
            {
                float max = float.NegativeInfinity;
                for (int c = 0; c < Options.Classes; c++)
                {
                    max = Math.Max(max, p[(c * plane) + i]);
                }

                float sum = 0;
                for (int c = 0; c < Options.Classes; c++)
                {
                    sum += p[(c * plane) + i] = MathF.Exp(p[(c * plane) + i] - max);
                }

                for (int c = 0; c < Options.Classes; c++)
                {
                    p[(c * plane) + i] /= sum;
                }
            }
        });
        return logits;
    }

    public SegmentationResult Segment(Image image)
    {
        Image probabilities = Probabilities(image);
        int h = image.Height;
        int w = image.Width;
        int plane = h * w;
        var classes = new int[plane];
        for (int i = 0; i < plane; i++)
        {
            if (Options.Classes == 1)
            {
                classes[i] = probabilities.Buffer[i] > 0.5f ? 1 : 0;
                continue;
            }

            int best = 0;
            for (int c = 1; c < Options.Classes; c++)
            {
                if (probabilities.Buffer[(c * plane) + i] > probabilities.Buffer[(best * plane) + i])
                {
                    best = c;
                }
            }

            classes[i] = best;
        }

        int foregroundClass = Options.Classes == 1 ? 1 : Options.ForegroundClass;
        bool[] foreground = classes.Select(c => c == foregroundClass).ToArray();
        LabelImage labels = ConnectedComponents.Label(foreground, h, w, Connectivity.Four);
        if (Options.Instances == InstanceMode.BoundaryWatershed)
        {
            int boundary = Options.BoundaryClass!.Value;
            bool[] mask = classes.Select(c => c == foregroundClass || c == boundary).ToArray();
            float[] elevation = probabilities.Plane(boundary).ToArray();
            labels = Watershed.Flood(elevation, labels, mask);
        }

        labels = RemoveSmall(labels, Options.MinSize);
        return new SegmentationResult(labels, null, probabilities.Plane(foregroundClass == 1 && Options.Classes == 1 ? 0 : foregroundClass).ToArray(), ObjectMeasurement.Measure(labels, image));
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

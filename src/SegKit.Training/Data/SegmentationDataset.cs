using SegKit.Onnx;
using System.Runtime.ExceptionServices;
using SegKit.Core;
using SegKit.Core.Classical;
using SegKit.Core.Flows;
using SegKit.Core.Images;
using SegKit.Core.Transforms;
using SegKit.Imaging;

namespace SegKit.Training.Data;

/// <summary>
/// Image/mask pairs from a folder laid out as ../shared/data: <c>images/NAME.ext</c> with <c>masks/NAME.ext</c>.
/// Pairs are checked before anything is computed (one message lists every problem); images are reduced to the model's
/// input channels and normalised (normalize99); Cellpose flow targets are computed once here (or read from a
/// <see cref="FlowCache"/>). Several folders combine into one set with a sampling weight per folder.
/// </summary>
public sealed class SegmentationDataset
{
    private readonly double[] _weights;

    private SegmentationDataset(IReadOnlyList<DatasetItem> items, double[] weights)
    {
        Items = items;
        _weights = weights;
    }

    public IReadOnlyList<DatasetItem> Items { get; }

    public int Count => Items.Count;

    /// <summary>Relative chance of each item being drawn (1 for every item of a single folder).</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>Median of the images' median object diameters (images without objects are left out); null if none has objects.</summary>
    public double? MedianDiameter
    {
        get
        {
            var d = Items.Where(i => i.Diameter is not null).Select(i => i.Diameter!.Value).Order().ToArray();
            return d.Length == 0 ? null : d.Length % 2 == 1 ? d[d.Length / 2] : (d[(d.Length / 2) - 1] + d[d.Length / 2]) / 2;
        }
    }

    /// <param name="folder">Holds <c>images/</c> and <c>masks/</c>.</param>
    /// <param name="kind">Cellpose: 2 input channels [cytoplasm, nucleus] and flow targets; U-Net: 1 channel.</param>
    /// <param name="channels">Channel selection (Cellpose's codes); gray by default.</param>
    /// <param name="progress">Receives a line per image loaded.</param>
    public static SegmentationDataset Load(string folder, SegmentationModelKind kind, ChannelSelection? channels = null, IProgress<string>? progress = null, bool invertBrightBackground = false)
        => Load(folder, kind, new DatasetLoadOptions { Channels = channels ?? ChannelSelection.Gray, Progress = progress, InvertBrightBackground = invertBrightBackground });

    /// <summary>Loads one folder (every item weighs 1); images and flows are prepared on all cores.</summary>
    public static SegmentationDataset Load(string folder, SegmentationModelKind kind, DatasetLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(options);
        string imagesDir = Path.Combine(folder, "images");
        string masksDir = Path.Combine(folder, "masks");
        if (!Directory.Exists(imagesDir) || !Directory.Exists(masksDir))
        {
            throw new InvalidImageException("a training folder holds images/ and masks/ with the same file names", folder);
        }

        IReadOnlyList<string> images = ImageFile.ListImages(imagesDir);
        var masks = ImageFile.ListImages(masksDir).ToDictionary(p => Path.GetFileNameWithoutExtension(p), StringComparer.Ordinal);
        var problems = new List<string>();
        var pairs = new List<(string Image, string Mask)>();
        foreach (string image in images)
        {
            string name = Path.GetFileNameWithoutExtension(image);
            if (masks.Remove(name, out string? mask))
            {
                if (options.Exclude?.Contains(name) != true)
                {
                    pairs.Add((image, mask));
                }
            }
            else
            {
                problems.Add($"{image} has no mask in {masksDir}");
            }
        }

        problems.AddRange(masks.Values.Select(m => $"{m} has no image in {imagesDir}"));
        if (problems.Count > 0)
        {
            throw Problems(problems, folder);
        }

        if (pairs.Count == 0)
        {
            throw new InvalidImageException($"no image/mask pairs in {imagesDir}{(options.Exclude is { Count: > 0 } ? " after the excluded names" : string.Empty)}", folder);
        }

        var cache = kind == SegmentationModelKind.Cellpose && options.FlowCache is not null ? new FlowCache(options.FlowCache) : null;
        var items = new DatasetItem?[pairs.Count];
        var mismatches = new string?[pairs.Count];
        try
        {
            Parallel.For(0, pairs.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                var (imagePath, maskPath) = pairs[i];
                Image raw = ImageFile.Read(imagePath);
                LabelImage labels = LabelImageFile.Read(maskPath);
                if (raw.Height != labels.Height || raw.Width != labels.Width)
                {
                    mismatches[i] = $"{imagePath} is {raw.Height}x{raw.Width} but its mask is {labels.Height}x{labels.Width}";
                    return;
                }

                Image input = Prepare(raw, kind, options.Channels, options.InvertBrightBackground);
                LabelImage instances = kind == SegmentationModelKind.UNet ? InstancesOf(labels) : labels.Renumber();
                FlowField? flows = kind != SegmentationModelKind.Cellpose ? null
                    : cache is null ? MaskFlows.Compute(instances)
                    : cache.GetOrCompute(maskPath, instances, out _);
                items[i] = new DatasetItem(Path.GetFileNameWithoutExtension(imagePath), input, instances, flows, instances.MedianDiameter());
                options.Progress?.Report($"loaded {Path.GetFileName(imagePath)}");
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is SegKitException) is SegKitException first)
        {
            // A damaged file names itself; report it as the sequential loader did, not wrapped.
            ExceptionDispatchInfo.Throw(first);
        }

        problems.AddRange(mismatches.OfType<string>());
        if (problems.Count > 0)
        {
            throw Problems(problems, folder);
        }

        return new SegmentationDataset(items.Select(i => i!).ToArray(), Enumerable.Repeat(1.0, pairs.Count).ToArray());
    }

    /// <summary>
    /// One set from several: each item of a part is drawn <c>Weight</c> times as often as an item of a part with
    /// weight 1 (all weights 1: every image equally often, whatever folder it came from).
    /// </summary>
    public static SegmentationDataset Combine(IEnumerable<(SegmentationDataset Set, double Weight)> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var items = new List<DatasetItem>();
        var weights = new List<double>();
        foreach (var (set, weight) in parts)
        {
            ArgumentNullException.ThrowIfNull(set);
            if (!(weight > 0) || double.IsInfinity(weight))
            {
                throw new ArgumentOutOfRangeException(nameof(parts), weight, "a sampling weight must be a positive number");
            }

            items.AddRange(set.Items);
            weights.AddRange(set._weights.Select(w => w * weight));
        }

        return new SegmentationDataset(items, [.. weights]);
    }

    /// <summary>
    /// The item indices of one epoch: with <paramref name="count"/> equal to the set's size and equal weights, a
    /// permutation (every image once); otherwise <paramref name="count"/> draws with replacement, in proportion to
    /// the weights.
    /// </summary>
    public int[] DrawEpoch(int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (count == Count && _weights.All(w => w == _weights[0]))
        {
            int[] order = Enumerable.Range(0, Count).ToArray();
            random.Shuffle(order);
            return order;
        }

        double[] cumulative = new double[Count];
        double sum = 0;
        for (int i = 0; i < Count; i++)
        {
            sum += _weights[i];
            cumulative[i] = sum;
        }

        int[] drawn = new int[count];
        for (int k = 0; k < count; k++)
        {
            int at = Array.BinarySearch(cumulative, random.NextDouble() * sum);
            drawn[k] = Math.Min(Count - 1, at < 0 ? ~at : at + 1);
        }

        return drawn;
    }

    private static InvalidImageException Problems(List<string> problems, string folder)
        => new($"{problems.Count} image/mask pair problem(s):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}", folder);

    /// <summary>The model's input: Cellpose gets [cytoplasm, nucleus], U-Net the cytoplasm (or gray) channel; each normalised.</summary>
    public static Image Prepare(Image raw, SegmentationModelKind kind, ChannelSelection channels, bool invertBrightBackground = false)
    {
        ArgumentNullException.ThrowIfNull(raw);
        Image selected = raw.SelectChannels(channels);
        if (kind == SegmentationModelKind.UNet)
        {
            selected = new Image(1, selected.Height, selected.Width, selected.Plane(0).ToArray());
        }

        Image normalized = Normalization.Normalize99(selected);
        if (invertBrightBackground)
        {
            Normalization.InvertIfBrightBackground(normalized, raw);
        }

        return normalized;
    }

    /// <summary>A binary (semantic) mask becomes instances by connected components; an instance mask is kept.</summary>
    private static LabelImage InstancesOf(LabelImage mask)
    {
        int first = 0;
        bool binary = true;
        foreach (int v in mask.Buffer)
        {
            if (v == 0)
            {
                continue;
            }

            if (first == 0)
            {
                first = v;
            }
            else if (v != first)
            {
                binary = false;
                break;
            }
        }

        if (!binary)
        {
            return mask.Renumber();
        }

        bool[] foreground = mask.Buffer.Select(v => v != 0).ToArray();
        return ConnectedComponents.Label(foreground, mask.Height, mask.Width, Connectivity.Four);
    }
}

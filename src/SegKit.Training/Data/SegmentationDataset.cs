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
/// input channels and normalised (normalize99); Cellpose flow targets are computed once here.
/// </summary>
public sealed class SegmentationDataset
{
    private SegmentationDataset(IReadOnlyList<DatasetItem> items) => Items = items;

    public IReadOnlyList<DatasetItem> Items { get; }

    public int Count => Items.Count;

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
    public static SegmentationDataset Load(string folder, ModelKind kind, ChannelSelection? channels = null, IProgress<string>? progress = null, bool invertBrightBackground = false)
    {
        ArgumentNullException.ThrowIfNull(folder);
        channels ??= ChannelSelection.Gray;
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
                pairs.Add((image, mask));
            }
            else
            {
                problems.Add($"{image} has no mask in {masksDir}");
            }
        }

        problems.AddRange(masks.Values.Select(m => $"{m} has no image in {imagesDir}"));
        var items = new List<DatasetItem>();
        foreach (var (imagePath, maskPath) in pairs)
        {
            Image raw = ImageFile.Read(imagePath);
            LabelImage labels = LabelImageFile.Read(maskPath);
            if (raw.Height != labels.Height || raw.Width != labels.Width)
            {
                problems.Add($"{imagePath} is {raw.Height}x{raw.Width} but its mask is {labels.Height}x{labels.Width}");
                continue;
            }

            if (problems.Count > 0)
            {
                continue;
            }

            progress?.Report($"loading {Path.GetFileName(imagePath)}");
            Image input = Prepare(raw, kind, channels, invertBrightBackground);
            LabelImage instances = kind == ModelKind.UNet ? InstancesOf(labels) : labels.Renumber();
            FlowField? flows = kind == ModelKind.Cellpose ? MaskFlows.Compute(instances) : null;
            items.Add(new DatasetItem(Path.GetFileNameWithoutExtension(imagePath), input, instances, flows, instances.MedianDiameter()));
        }

        if (problems.Count > 0)
        {
            throw new InvalidImageException($"{problems.Count} image/mask pair problem(s):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}", folder);
        }

        return new SegmentationDataset(items);
    }

    /// <summary>The model's input: Cellpose gets [cytoplasm, nucleus], U-Net the cytoplasm (or gray) channel; each normalised.</summary>
    public static Image Prepare(Image raw, ModelKind kind, ChannelSelection channels, bool invertBrightBackground = false)
    {
        ArgumentNullException.ThrowIfNull(raw);
        Image selected = raw.SelectChannels(channels);
        if (kind == ModelKind.UNet)
        {
            selected = new Image(1, selected.Height, selected.Width, selected.Plane(0).ToArray());
        }

        Image normalized = Normalization.Normalize99(selected);
        if (invertBrightBackground)
        {
            Normalization.InvertIfBrightBackground(normalized);
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

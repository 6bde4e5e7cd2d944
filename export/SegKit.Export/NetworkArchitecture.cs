using System.Globalization;
using SegKit.Onnx;
using SegKit.Training.Models;
using static TorchSharp.torch;

namespace SegKit.Export;

/// <summary>
/// The options a network was built with, stored beside the model card in metadata_props under
/// "segkit.architecture.*", so an exported file can be turned back into the same TorchSharp network
/// (<see cref="OnnxWeightImporter"/>). Files without these keys are understood when they are Cellpose networks,
/// whose shape the weights alone tell; a U-Net's padding and upsampling leave no trace in its weights.
/// </summary>
public static class NetworkArchitecture
{
    public const string Prefix = "segkit.architecture.";
    public const string FamilyKey = Prefix + "family";

    private const string InputChannelsKey = Prefix + "input_channels";
    private const string OutputChannelsKey = Prefix + "output_channels";
    private const string WidthsKey = Prefix + "widths";
    private const string KernelKey = Prefix + "kernel";
    private const string ClassesKey = Prefix + "classes";
    private const string DepthKey = Prefix + "depth";
    private const string BaseWidthKey = Prefix + "base_width";
    private const string PaddingKey = Prefix + "padding";
    private const string SkipKey = Prefix + "skip";
    private const string UpsamplingKey = Prefix + "upsampling";
    private const string BatchNormKey = Prefix + "batch_norm";
    private const string DropoutKey = Prefix + "bottleneck_dropout";

    public static Dictionary<string, string> Describe(CellposeNetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FamilyKey] = "cellpose",
            [InputChannelsKey] = Text(options.InputChannels),
            [OutputChannelsKey] = Text(options.OutputChannels),
            [WidthsKey] = string.Join(",", options.Widths.Select(w => Text(w))),
            [KernelKey] = Text(options.Kernel),
        };
    }

    public static Dictionary<string, string> Describe(UNetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FamilyKey] = "unet",
            [InputChannelsKey] = Text(options.InputChannels),
            [ClassesKey] = Text(options.Classes),
            [DepthKey] = Text(options.Depth),
            [BaseWidthKey] = Text(options.BaseWidth),
            [PaddingKey] = options.Padding switch
            {
                UNetPadding.Same => "same",
                UNetPadding.Valid => "valid",
                var other => throw new NotSupportedException($"U-Net padding {other} has no ONNX export"),
            },
            [SkipKey] = options.Skip switch
            {
                UNetSkip.Concatenate => "concatenate",
                UNetSkip.Add => "add",
                var other => throw new NotSupportedException($"U-Net skip {other} has no ONNX export"),
            },
            [UpsamplingKey] = options.Upsampling switch
            {
                UNetUpsampling.TransposedConvolution => "transposed_convolution",
                UNetUpsampling.Nearest => "nearest",
                UNetUpsampling.Bilinear => "bilinear",
                var other => throw new NotSupportedException($"U-Net upsampling {other} has no ONNX export"),
            },
            [BatchNormKey] = options.BatchNorm ? "true" : "false",
            [DropoutKey] = options.BottleneckDropout.ToString("R", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// Builds the network a file describes, with fresh weights; <paramref name="weights"/> (the file's initializers)
    /// stand in for missing keys of a Cellpose network.
    /// </summary>
    /// <exception cref="ModelImportException">The description is missing, damaged or names an unknown option.</exception>
    public static nn.Module Build(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<OnnxTensor> weights, string source)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(weights);
        if (!metadata.TryGetValue(FamilyKey, out string? family))
        {
            ModelCard? card = ModelCard.FromMetadata(metadata, source);
            if (card?.Kind == SegmentationModelKind.UNet)
            {
                throw new ModelImportException($"has no '{FamilyKey}' metadata: a U-Net's padding and upsampling cannot be read from its weights; re-export it with this SegKit", source);
            }

            return new CellposeNet(CellposeFromWeights(weights, card?.Diameter, source));
        }

        var reader = new Reader(metadata, source);
        return family switch
        {
            "cellpose" => new CellposeNet(new CellposeNetOptions
            {
                InputChannels = reader.Int(InputChannelsKey),
                OutputChannels = reader.Int(OutputChannelsKey),
                Widths = reader.IntList(WidthsKey),
                Kernel = reader.Int(KernelKey),
                DiameterMean = ModelCard.FromMetadata(metadata, source)?.Diameter ?? CellposeNetOptions.Default.DiameterMean,
            }),
            "unet" => new UNet(new UNetOptions
            {
                InputChannels = reader.Int(InputChannelsKey),
                Classes = reader.Int(ClassesKey),
                Depth = reader.Int(DepthKey),
                BaseWidth = reader.Int(BaseWidthKey),
                Padding = reader.Choice(PaddingKey, ("same", UNetPadding.Same), ("valid", UNetPadding.Valid)),
                Skip = reader.Choice(SkipKey, ("concatenate", UNetSkip.Concatenate), ("add", UNetSkip.Add)),
                Upsampling = reader.Choice(UpsamplingKey, ("transposed_convolution", UNetUpsampling.TransposedConvolution), ("nearest", UNetUpsampling.Nearest), ("bilinear", UNetUpsampling.Bilinear)),
                BatchNorm = reader.Choice(BatchNormKey, ("true", true), ("false", false)),
                BottleneckDropout = reader.Double(DropoutKey),
            }),
            _ => throw new ModelImportException($"{FamilyKey} is '{family}', expected 'cellpose' or 'unet'", source),
        };
    }

    /// <summary>A Cellpose network's shape from its weights: level widths from the residual projections, the kernel and channels from the convolutions.</summary>
    private static CellposeNetOptions CellposeFromWeights(IReadOnlyList<OnnxTensor> weights, double? diameter, string source)
    {
        var byName = weights.ToDictionary(w => w.Name, StringComparer.Ordinal);
        var widths = new List<int>();
        int inputChannels = 0;
        for (int n = 0; byName.TryGetValue($"down.{n}.proj.1.weight", out OnnxTensor? projection) && projection.Dims.Count == 4; n++)
        {
            widths.Add((int)projection.Dims[0]);
            if (n == 0)
            {
                inputChannels = (int)projection.Dims[1];
            }
        }

        if (widths.Count < 2 || !byName.TryGetValue("down.0.conv.0.2.weight", out OnnxTensor? conv) || conv.Dims.Count != 4
            || !byName.TryGetValue("output.2.weight", out OnnxTensor? output) || output.Dims.Count != 4)
        {
            throw new ModelImportException($"has no '{FamilyKey}' metadata and its weights are not a Cellpose network's (no down.N.proj.1.weight, down.0.conv.0.2.weight and output.2.weight)", source);
        }

        return new CellposeNetOptions
        {
            InputChannels = inputChannels,
            OutputChannels = (int)output.Dims[0],
            Widths = widths,
            Kernel = (int)conv.Dims[2],
            DiameterMean = diameter ?? CellposeNetOptions.Default.DiameterMean,
        };
    }

    /// <summary>The card's entries (checked by the card), then the architecture's.</summary>
    internal static Dictionary<string, string> Merge(ModelCard? card, Dictionary<string, string> architecture)
    {
        var metadata = card?.ToMetadata() ?? new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in architecture)
        {
            metadata.Add(entry.Key, entry.Value);
        }

        return metadata;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class Reader(IReadOnlyDictionary<string, string> metadata, string source)
    {
        public int Int(string key) =>
            int.TryParse(Required(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : throw Bad(key, "an integer");

        public double Double(string key) =>
            double.TryParse(Required(key), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : throw Bad(key, "a number");

        public int[] IntList(string key) => Required(key).Split(',').Select(part =>
            int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : throw Bad(key, "comma-separated integers")).ToArray();

        public T Choice<T>(string key, params (string Name, T Value)[] choices)
        {
            string text = Required(key);
            foreach (var (name, value) in choices)
            {
                if (name == text)
                {
                    return value;
                }
            }

            throw Bad(key, string.Join(" or ", choices.Select(c => $"'{c.Name}'")));
        }

        private string Required(string key) =>
            metadata.TryGetValue(key, out string? text) ? text : throw new ModelImportException($"metadata '{key}' is missing", source);

        private ModelImportException Bad(string key, string expected) =>
            new($"metadata '{key}' is '{metadata[key]}', expected {expected}", source);
    }
}

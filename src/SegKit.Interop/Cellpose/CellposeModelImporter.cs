using System.Globalization;
using SegKit.Interop.Torch;
using SegKit.Onnx;
using SegKit.Training;
using SegKit.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SegKit.Interop.Cellpose;

/// <summary>
/// A Cellpose model file as a SegKit network and model card: a <see cref="CellposeNet"/> of the file's shape holding
/// exactly the file's weights (every parameter and batch-norm statistic, none missing, none left over, every shape
/// equal), ready for <c>CellposeNetExporter</c> and the export parity check.
/// </summary>
public static class CellposeModelImporter
{
    /// <summary>Cellpose's tile side (bsize 224): the size its networks are trained and run at.</summary>
    public const int CellposeTileSize = 224;

    /// <summary>Builds the network and loads the file's weights; it is in evaluation mode.</summary>
    /// <param name="diameter">The model diameter to record, overriding the file's diam_mean (needed when the file has none).</param>
    /// <exception cref="ModelFileException">A weight is missing, left over or of the wrong shape, or the file has no diameter and none is given.</exception>
    public static CellposeNet CreateNetwork(CellposeModelFile file, double? diameter = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        double modelDiameter = ModelDiameter(file, diameter);
        CheckShapes(file);
        TorchRuntime.EnsureLoaded();
        var net = new CellposeNet(file.Options with { DiameterMean = modelDiameter });
        try
        {
            LoadWeights(net, file);
        }
        catch
        {
            net.Dispose();
            throw;
        }

        net.eval();
        return net;
    }

    /// <summary>
    /// The card for the imported model: Cellpose's channels, normalisation (1st..99th percentile), tile size, zero tile
    /// padding (so the network sees the windows Cellpose gives it) and diameter.
    /// </summary>
    public static ModelCard CreateCard(CellposeModelFile file, double? diameter, SizeModelParameters? sizeModel, string segKitVersion)
    {
        ArgumentNullException.ThrowIfNull(file);
        string labels = file.DiameterLabels is double d ? string.Create(CultureInfo.InvariantCulture, $"; diam_labels {d:0.###} (Cellpose's diameter when given none)") : "";
        return new ModelCard
        {
            Kind = SegmentationModelKind.Cellpose,
            InputChannels = ["cytoplasm:gray", "nucleus:none"],
            LowPercentile = 1,
            HighPercentile = 99,
            Diameter = ModelDiameter(file, diameter),
            TileSize = CellposeTileSize,
            Halo = 0,
            CellposeTilePadding = true,
            TrainingData = $"imported from the Cellpose model file {System.IO.Path.GetFileName(file.Path)} (CPnet, widths {file.WidthsText}){labels}",
            TrainingSteps = 0,
            TrainedAt = new DateTimeOffset(File.GetLastWriteTimeUtc(file.Path), TimeSpan.Zero),
            SegKitVersion = segKitVersion,
            SizeModel = sizeModel,
        };
    }

    /// <summary>
    /// Cellpose's size model (<see cref="CellposeSizeModelFile"/>) for a card whose diameter may differ from the one it
    /// was fitted for: Cellpose computes exp(A.(s - smean) + log(fitted) + ymean), the card d exp(A.(s - smean) + m), so
    /// m = ymean + log(fitted / d) gives the same diameters.
    /// </summary>
    public static SizeModelParameters ForModelDiameter(SizeModelParameters sizeModel, double fittedDiameter, double modelDiameter)
    {
        ArgumentNullException.ThrowIfNull(sizeModel);
        return new SizeModelParameters(sizeModel.StyleMean, sizeModel.Coefficients, sizeModel.MeanLogRatio + Math.Log(fittedDiameter / modelDiameter), sizeModel.Samples);
    }

    /// <summary>Checks that a size model reads this network's style (one value per channel of its deepest level).</summary>
    /// <exception cref="ModelFileException">The style lengths differ.</exception>
    public static void CheckSizeModel(CellposeModelFile file, SizeModelParameters sizeModel, string sizeModelPath)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sizeModel);
        int style = file.Options.Widths[^1];
        if (sizeModel.StyleMean.Count != style)
        {
            throw new ModelFileException(string.Create(CultureInfo.InvariantCulture, $"the size model reads styles of {sizeModel.StyleMean.Count} values but the network beside it ({System.IO.Path.GetFileName(file.Path)}) makes {style}"), sizeModelPath);
        }
    }

    private static double ModelDiameter(CellposeModelFile file, double? diameter)
    {
        if (diameter is double given)
        {
            return given > 0 && double.IsFinite(given) ? given : throw new ArgumentOutOfRangeException(nameof(diameter), given, "a diameter is a positive number of pixels");
        }

        return file.DiameterMean ?? throw new ModelFileException("records no diam_mean (Cellpose before 2.0 did not); give the diameter the model was trained at", file.Path);
    }

    /// <summary>
    /// Compares the file's weights with the shapes its options imply before any of the network is allocated: the
    /// network's size comes from the file's numbers, and only weights that are really in the file bound it.
    /// </summary>
    private static void CheckShapes(CellposeModelFile file)
    {
        var inFile = new Dictionary<string, TorchTensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in file.Tensors)
        {
            inFile[name] = tensor;
        }

        string network = $"Cellpose network with widths {file.WidthsText}";
        foreach (var (name, shape) in ExpectedShapes(file.Options))
        {
            if (!inFile.TryGetValue(name, out TorchTensor? tensor))
            {
                throw new ModelFileException($"has no weight '{name}' {Shape(shape)}, which a {network} needs", file.Path);
            }

            if (!tensor.Shape.SequenceEqual(shape) || tensor.Floats is null)
            {
                throw new ModelFileException($"weight '{name}' is {tensor.StoredAs} {tensor.ShapeText}; a {network} needs Float32 {Shape(shape)}", file.Path);
            }
        }
    }

    /// <summary>The float weights (batch-norm counters aside) of a CPnet under their Cellpose names.</summary>
    private static List<(string Name, long[] Shape)> ExpectedShapes(CellposeNetOptions options)
    {
        var shapes = new List<(string, long[])>();
        void BatchNorm(string prefix, long channels)
        {
            foreach (string parameter in (string[])["weight", "bias", "running_mean", "running_var"])
            {
                shapes.Add(($"{prefix}.{parameter}", [channels]));
            }
        }

        void Convolution(string prefix, long inChannels, long outChannels, long kernel)
        {
            shapes.Add(($"{prefix}.weight", [outChannels, inChannels, kernel, kernel]));
            shapes.Add(($"{prefix}.bias", [outChannels]));
        }

        long[] widths = [options.InputChannels, .. options.Widths.Select(w => (long)w)];
        long style = widths[^1];
        long kernel = options.Kernel;
        for (int n = 0; n < widths.Length - 1; n++)
        {
            string level = string.Create(CultureInfo.InvariantCulture, $"downsample.down.res_down_{n}");
            BatchNorm($"{level}.proj.0", widths[n]);
            Convolution($"{level}.proj.1", widths[n], widths[n + 1], 1);
            for (int c = 0; c < 4; c++)
            {
                long inChannels = c == 0 ? widths[n] : widths[n + 1];
                BatchNorm(string.Create(CultureInfo.InvariantCulture, $"{level}.conv.conv_{c}.0"), inChannels);
                Convolution(string.Create(CultureInfo.InvariantCulture, $"{level}.conv.conv_{c}.2"), inChannels, widths[n + 1], kernel);
            }
        }

        long[] upWidths = [.. widths[1..], widths[^1]];
        for (int n = 0; n < upWidths.Length - 1; n++)
        {
            long inChannels = upWidths[n + 1];
            long outChannels = upWidths[n];
            string level = string.Create(CultureInfo.InvariantCulture, $"upsample.up.res_up_{n}");
            BatchNorm($"{level}.proj.0", inChannels);
            Convolution($"{level}.proj.1", inChannels, outChannels, 1);
            BatchNorm($"{level}.conv.conv_0.0", inChannels);
            Convolution($"{level}.conv.conv_0.2", inChannels, outChannels, kernel);
            for (int c = 1; c < 4; c++)
            {
                string styled = string.Create(CultureInfo.InvariantCulture, $"{level}.conv.conv_{c}");
                BatchNorm($"{styled}.conv.0", outChannels);
                Convolution($"{styled}.conv.2", outChannels, outChannels, kernel);
                shapes.Add(($"{styled}.full.weight", [outChannels, style]));
                shapes.Add(($"{styled}.full.bias", [outChannels]));
            }
        }

        BatchNorm("output.0", upWidths[0]);
        Convolution("output.2", upWidths[0], options.OutputChannels, 1);
        return shapes;
    }

    private static void LoadWeights(CellposeNet net, CellposeModelFile file)
    {
        var fromFile = new Dictionary<string, (string CellposeName, TorchTensor Tensor)>(StringComparer.Ordinal);
        var foreign = new List<string>();
        foreach (var (name, tensor) in file.Tensors)
        {
            if (name is CellposeModelFile.DiameterMeanKey or CellposeModelFile.DiameterLabelsKey)
            {
                continue;
            }

            string? segKitName = CellposeKeyMap.ToSegKit(name);
            if (segKitName is null)
            {
                foreign.Add(name);
            }
            else
            {
                fromFile[segKitName] = (name, tensor);
            }
        }

        var state = net.state_dict();
        foreign.AddRange(fromFile.Where(e => !state.ContainsKey(e.Key)).Select(e => e.Value.CellposeName));
        string network = $"Cellpose network with widths {file.WidthsText}";
        if (foreign.Count > 0)
        {
            throw new ModelFileException($"holds weights a {network} has no place for: {List(foreign)}", file.Path);
        }

        // Check everything before touching the network. Batch-norm step counters only matter in training: taken when present.
        var values = new List<(Tensor Target, TorchTensor Source)>(state.Count);
        foreach (var (name, target) in state)
        {
            bool counter = name.EndsWith(".num_batches_tracked", StringComparison.Ordinal);
            string cellposeName = CellposeKeyMap.ToCellpose(name) ?? name;
            if (!fromFile.TryGetValue(name, out var source))
            {
                if (counter)
                {
                    continue;
                }

                throw new ModelFileException($"has no weight '{cellposeName}' {Shape(target.shape)}, which a {network} needs", file.Path);
            }

            if (!source.Tensor.Shape.SequenceEqual(target.shape) || (counter ? source.Tensor.Integers is null : source.Tensor.Floats is null))
            {
                throw new ModelFileException($"weight '{cellposeName}' is {source.Tensor.StoredAs} {source.Tensor.ShapeText}; a {network} needs {(counter ? "Int64" : "Float32")} {Shape(target.shape)}", file.Path);
            }

            values.Add((target, source.Tensor));
        }

        using var noGrad = torch.no_grad();
        foreach (var (target, source) in values)
        {
            using Tensor copy = source.Floats is { } floats
                ? torch.tensor(floats, target.shape, dtype: ScalarType.Float32)
                : torch.tensor(source.Integers!, target.shape, dtype: ScalarType.Int64);
            target.copy_(copy);
        }
    }

    private static string Shape(IEnumerable<long> dims) => $"[{string.Join(", ", dims)}]";

    private static string List(List<string> names) => string.Join(", ", names.Take(5).Select(n => $"'{UntrustedText.Quote(n)}'")) + (names.Count > 5 ? $" and {names.Count - 5} more" : "");
}

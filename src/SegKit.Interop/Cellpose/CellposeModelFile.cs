using System.Globalization;
using SegKit.Interop.Torch;
using SegKit.Training.Models;

namespace SegKit.Interop.Cellpose;

/// <summary>
/// A model file written by Cellpose v2/v3 (its training, GUI or notebooks): the state dict of a CPnet saved with
/// torch.save. Reading it finds the network's shape from the weights (input channels, the widths of every level, kernel,
/// outputs) and the diameters Cellpose stored beside them; <see cref="CellposeModelImporter"/> then checks every weight
/// against a <see cref="CellposeNet"/> of that shape. Nothing in the file is executed (<see cref="TorchArchive"/>).
/// </summary>
public sealed class CellposeModelFile
{
    public const string DiameterMeanKey = "diam_mean";
    public const string DiameterLabelsKey = "diam_labels";

    private const string FirstBatchNorm = "downsample.down.res_down_{0}.conv.conv_0.0.weight";
    private const string FirstConvolution = "downsample.down.res_down_{0}.conv.conv_0.2.weight";
    private const string OutputConvolution = "output.2.weight";

    // Bounds well above any Cellpose network (4 levels, 32-256 wide, kernel 3) that keep a crafted file's shape from
    // describing a network too large to build.
    private const int MaxLevels = 8;
    private const int MaxWidth = 4096;
    private const int MaxKernel = 15;

    private CellposeModelFile(string path, CellposeNetOptions options, double? diameterMean, double? diameterLabels, IReadOnlyList<KeyValuePair<string, TorchTensor>> tensors)
    {
        Path = path;
        Options = options;
        DiameterMean = diameterMean;
        DiameterLabels = diameterLabels;
        Tensors = tensors;
    }

    public string Path { get; }

    /// <summary>The network the weights describe (<see cref="CellposeNetOptions.DiameterMean"/> is <see cref="DiameterMean"/> when the file has it).</summary>
    public CellposeNetOptions Options { get; }

    /// <summary>diam_mean: the object diameter the network works at (images are rescaled to it); null in files from before Cellpose 2.</summary>
    public double? DiameterMean { get; }

    /// <summary>diam_labels: the mean diameter of the training masks, which Cellpose uses when it is given no diameter.</summary>
    public double? DiameterLabels { get; }

    /// <summary>Every tensor in the file under its Cellpose name, in the file's order (diameters included).</summary>
    public IReadOnlyList<KeyValuePair<string, TorchTensor>> Tensors { get; }

    /// <summary>The widths as Cellpose's nbase writes them after the input channels, e.g. "32-64-128-256".</summary>
    public string WidthsText => string.Join("-", Options.Widths);

    /// <exception cref="ModelFileException">Not a readable Cellpose model: damaged, unsafe, or not a CPnet that SegKit can run.</exception>
    public static CellposeModelFile Read(string path)
    {
        IReadOnlyList<KeyValuePair<string, TorchTensor>> tensors = TorchArchive.ReadStateDictionary(path);
        var byName = new Dictionary<string, TorchTensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            byName[name] = tensor;
        }

        if (!byName.ContainsKey(string.Format(CultureInfo.InvariantCulture, FirstBatchNorm, 0)))
        {
            string hint = byName.Keys.Any(k => k.StartsWith("encoder.", StringComparison.Ordinal))
                ? "; it looks like a Cellpose-SAM (Cellpose 4) transformer, which SegKit cannot run"
                : "";
            throw new ModelFileException($"not a Cellpose v2/v3 network (CPnet): it lacks '{string.Format(CultureInfo.InvariantCulture, FirstBatchNorm, 0)}'{hint}", path);
        }

        int inputChannels = Channels(byName, string.Format(CultureInfo.InvariantCulture, FirstBatchNorm, 0), path);
        if (inputChannels != 2)
        {
            throw new ModelFileException($"the network takes {inputChannels} input channels; SegKit runs Cellpose networks with 2 (cytoplasm and nucleus, as Cellpose v2/v3 train them)", path);
        }

        var widths = new List<int>();
        int kernel = 0;
        for (int level = 0; byName.TryGetValue(string.Format(CultureInfo.InvariantCulture, FirstConvolution, level), out TorchTensor? conv); level++)
        {
            string name = string.Format(CultureInfo.InvariantCulture, FirstConvolution, level);
            if (level == MaxLevels)
            {
                throw new ModelFileException($"has more than {MaxLevels} levels ('{name}'); Cellpose networks have 4", path);
            }

            // A level reads the previous level's width: anything else cannot be a CPnet, and unchecked sizes here
            // would make CellposeNet ask LibTorch for as much memory as the file's numbers say.
            long expectedIn = level == 0 ? inputChannels : widths[^1];
            if (conv.Shape.Count != 4 || conv.Shape[2] != conv.Shape[3] || conv.Shape[2] % 2 == 0 || conv.Shape[2] is < 1 or > MaxKernel
                || conv.Shape[0] is < 1 or > MaxWidth || conv.Shape[1] != expectedIn || (level > 0 && conv.Shape[2] != kernel))
            {
                string kernelText = level == 0 ? $"k odd, at most {MaxKernel}" : $"k = {kernel}";
                throw new ModelFileException($"'{name}' has shape {conv.ShapeText}, not a square odd convolution [out, {expectedIn}, k, k] with out at most {MaxWidth} and {kernelText}", path);
            }

            if (level == 0)
            {
                kernel = (int)conv.Shape[2];
            }

            widths.Add((int)conv.Shape[0]);
        }

        if (widths.Count < 2)
        {
            throw new ModelFileException($"a Cellpose network has at least two levels; this file has {widths.Count}", path);
        }

        int outputs = byName.TryGetValue(OutputConvolution, out TorchTensor? output) && output.Shape.Count == 4 && output.Shape[1] == widths[0] && output.Shape[2] == 1 && output.Shape[3] == 1
            ? (int)Math.Min(output.Shape[0], int.MaxValue)
            : throw new ModelFileException($"lacks the output convolution '{OutputConvolution}' [outputs, {widths[0]}, 1, 1]", path);
        if (outputs != 3)
        {
            throw new ModelFileException($"the network has {outputs} outputs; SegKit runs Cellpose networks with 3 (dY, dX, cell probability)", path);
        }

        double? diameterMean = Scalar(byName, DiameterMeanKey, path);
        double? diameterLabels = Scalar(byName, DiameterLabelsKey, path);
        var options = new CellposeNetOptions
        {
            InputChannels = inputChannels,
            Widths = widths,
            Kernel = kernel,
            OutputChannels = outputs,
            DiameterMean = diameterMean ?? CellposeNetOptions.Default.DiameterMean,
        };
        return new CellposeModelFile(path, options, diameterMean, diameterLabels, tensors);
    }

    private static int Channels(Dictionary<string, TorchTensor> byName, string key, string path)
    {
        TorchTensor tensor = byName[key];
        return tensor.Shape.Count == 1 && tensor.Shape[0] is >= 1 and <= 65536
            ? (int)tensor.Shape[0]
            : throw new ModelFileException($"'{key}' has shape {tensor.ShapeText}, not a batch-norm weight [channels]", path);
    }

    private static double? Scalar(Dictionary<string, TorchTensor> byName, string key, string path)
    {
        if (!byName.TryGetValue(key, out TorchTensor? tensor))
        {
            return null;
        }

        if (tensor.Floats is not { Length: 1 } value || !(value[0] > 0) || !float.IsFinite(value[0]))
        {
            throw new ModelFileException($"'{key}' should be one positive number of pixels; it is {tensor.ShapeText} {(tensor.Floats is { Length: 1 } f ? f[0].ToString(CultureInfo.InvariantCulture) : "")}", path);
        }

        return value[0];
    }
}

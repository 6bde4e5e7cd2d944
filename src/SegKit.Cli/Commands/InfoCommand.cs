using System.CommandLine;
using System.Globalization;
using SegKit.Core.IO;
using SegKit.Onnx;
using SegKit.Imaging;

namespace SegKit.Cli.Commands;

/// <summary>segkit info: what an image, label image or .npy array file contains.</summary>
internal static class InfoCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<string>("file") { Description = "An image (PNG, TIFF, JPEG), a NumPy .npy array or an ONNX model." };
        var command = new Command("info", "Describe an image or array file: size, channels, sample type, pages, value range.") { file };
        command.SetAction(result => Execute(console, result.GetValue(file)!));
        return command;
    }

    private static int Execute(CliConsole console, string path)
    {
        if (!File.Exists(path))
        {
            throw new CliUsageException($"{path}: no such file");
        }

        var lines = new List<(string Key, string Value)> { ("file", path) };
        if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            DescribeModel(path, lines);
        }
        else if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            NpyArray array = NpyFile.Read(path);
            lines.Add(("format", "NumPy .npy"));
            lines.Add(("dtype", array.DType));
            lines.Add(("shape", $"[{string.Join(", ", array.Shape)}]"));
            AddRange(lines, array.ToDouble());
        }
        else
        {
            ImageFileInfo info = ImageFile.Describe(path);
            lines.Add(("format", info.Format.ToString().ToUpperInvariant()));
            lines.Add(("size", $"{info.Width} x {info.Height} (width x height)"));
            lines.Add(("channels", info.Channels.ToString(CultureInfo.InvariantCulture)));
            lines.Add(("sample type", info.SampleType.ToString().ToLowerInvariant()));
            lines.Add(("pages", info.PageCount.ToString(CultureInfo.InvariantCulture)));
            var image = ImageFile.Read(path);
            AddRange(lines, Array.ConvertAll(image.Buffer, v => (double)v));
        }

        int width = lines.Max(l => l.Key.Length);
        foreach (var (key, value) in lines)
        {
            console.Out.WriteLine($"{key.PadRight(width)}  {value}");
        }

        return ExitCodes.Success;
    }

    private static void DescribeModel(string path, List<(string, string)> lines)
    {
        OnnxModelInfo info;
        try
        {
            info = OnnxModelInfo.Read(path);
        }
        catch (OnnxFormatException e)
        {
            throw new SegKit.Inference.ModelLoadException(e.Message, null, e);
        }

        lines.Add(("format", $"ONNX (IR {info.IrVersion}, opset {string.Join(", ", info.OpsetImports.Select(o => $"{(o.Domain.Length == 0 ? "ai.onnx" : o.Domain)} {o.Version}"))})"));
        lines.Add(("size", $"{new FileInfo(path).Length / 1e6:0.0} MB"));
        lines.Add(("producer", $"{info.ProducerName} {info.ProducerVersion}".Trim()));
        foreach (var input in info.Inputs)
        {
            lines.Add(("input", Describe(input)));
        }

        foreach (var output in info.Outputs)
        {
            lines.Add(("output", Describe(output)));
        }

        ModelCard? card = ModelCard.FromMetadata(info.Metadata, path);
        if (card is null)
        {
            lines.Add(("card", "none (not exported by SegKit; segkit segment needs a card)"));
            return;
        }

        lines.Add(("kind", card.Kind.ToString()));
        lines.Add(("channels", string.Join(", ", card.InputChannels)));
        lines.Add(("normalisation", string.Create(CultureInfo.InvariantCulture, $"percentiles {card.LowPercentile} .. {card.HighPercentile}")));
        if (card.Diameter is double d)
        {
            lines.Add(("diameter", string.Create(CultureInfo.InvariantCulture, $"{d} px")));
        }

        if (card.Kind == SegmentationModelKind.Cellpose)
        {
            lines.Add(("size model", card.SizeModel is { } size
                ? (size.Samples > 0 ? $"fitted on {size.Samples} styles" : "fitted by Cellpose") + " (the diameter is estimated in one pass)"
                : "none (the diameter is estimated from a first pass's masks; segkit size-model fits one)"));
            lines.Add(("flow threshold", card.FlowThreshold is double flow
                ? string.Create(CultureInfo.InvariantCulture, $"{flow} (the card's; Cellpose's default is 0.4)")
                : "0.4 (Cellpose's default)"));
        }

        lines.Add(("tile", $"{card.TileSize} (halo {card.Halo}){(card.CellposeTilePadding ? ", zero padding as Cellpose's" : "")}"));
        lines.Add(("training", card.TrainingData));
        lines.Add(("trained", card.TrainedAt.ToString("u", CultureInfo.InvariantCulture)));
        foreach (var metric in card.ValidationMetrics.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            lines.Add(("validation", string.Create(CultureInfo.InvariantCulture, $"{metric.Key} = {metric.Value:0.000}")));
        }

        lines.Add(("segkit", card.SegKitVersion));
    }

    private static string Describe(OnnxValueInfo value) =>
        $"{value.Name} {value.ElementType} [{(value.Shape is null ? "?" : string.Join(", ", value.Shape))}]";

    private static void AddRange(List<(string, string)> lines, double[] values)
    {
        double min = double.PositiveInfinity;
        double max = double.NegativeInfinity;
        long nonFinite = 0;
        bool integral = true;
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                nonFinite++;
                continue;
            }

            min = Math.Min(min, v);
            max = Math.Max(max, v);
            integral &= v == Math.Floor(v);
        }

        lines.Add(("value range", values.Length == nonFinite ? "no finite values" : string.Create(CultureInfo.InvariantCulture, $"{min:G6} .. {max:G6}")));
        if (nonFinite > 0)
        {
            lines.Add(("non-finite", $"{nonFinite} value(s) are NaN or infinite"));
        }

        if (integral && min >= 0 && values.Length > nonFinite)
        {
            var distinct = new HashSet<double>(values.Where(v => v > 0 && double.IsFinite(v)));
            lines.Add(("as labels", $"{distinct.Count} distinct non-zero value(s) (objects, if this is a label image)"));
        }
    }
}

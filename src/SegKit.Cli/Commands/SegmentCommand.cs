using System.CommandLine;
using SegKit.Core;
using SegKit.Core.Classical;
using SegKit.Core.Images;
using SegKit.Imaging;
using SegKit.Inference;

namespace SegKit.Cli.Commands;

/// <summary>
/// segkit segment: images in, for each a label image (TIFF), an outline overlay (PNG) and a per-object CSV out.
/// </summary>
internal static class SegmentCommand
{
    public const string MasksSuffix = "_masks.tif";
    public const string OverlaySuffix = "_overlay.png";
    public const string ObjectsSuffix = "_objects.csv";

    public static Command Create(CliConsole console)
    {
        var inputs = new Argument<string[]>("inputs") { Arity = ArgumentArity.OneOrMore, Description = "Image files (PNG, TIFF, JPEG) or folders of them." };
        var output = new Option<string>("--out", "-o") { Required = true, Description = "Output folder (created if missing)." };
        var method = new Option<string>("--method", "-m") { DefaultValueFactory = _ => "classical", Description = "Segmentation method: classical (Otsu + distance-transform watershed)." };
        method.AcceptOnlyFromAmong("classical");
        var overwrite = new Option<bool>("--overwrite") { Description = "Recompute images whose outputs already exist (by default they are skipped)." };
        var minSize = new Option<int>("--min-size") { DefaultValueFactory = _ => new ClassicalOptions().MinSize, Description = "Remove objects smaller than this many pixels." };
        var sigma = new Option<double>("--sigma") { DefaultValueFactory = _ => new ClassicalOptions().Sigma, Description = "Gaussian smoothing before thresholding, in pixels (0 = none)." };
        var model = new Option<string?>("--model") { Description = "An ONNX model exported by segkit export (its card says how to run it); replaces --method." };
        var diameter = new Option<double?>("--diameter") { Description = "Object diameter in the images, in pixels (model only; default: the model's own, no rescaling)." };
        var estimate = new Option<bool>("--estimate-diameter") { Description = "Estimate each image's object diameter from a first pass (Cellpose models; ignored with --diameter)." };
        var device = new Option<string>("--device") { DefaultValueFactory = _ => "cpu", Description = "cpu, or cuda (falls back to the CPU with a warning when CUDA is not available)." };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var augment = new Option<bool>("--augment") { Description = "Average each tile with its flipped versions (model only; slower, a little more accurate)." };

        var command = new Command("segment", "Segment nuclei or cells in images; writes <name>_masks.tif, <name>_overlay.png and <name>_objects.csv per image.")
        {
            inputs, output, method, overwrite, minSize, sigma, model, diameter, estimate, device, augment,
        };
        command.SetAction(result =>
        {
            if (result.GetValue(minSize) < 0)
            {
                throw new CliUsageException("--min-size must be zero or more");
            }

            if (result.GetValue(sigma) is < 0 or > 50)
            {
                throw new CliUsageException("--sigma must be within 0..50");
            }

            string? modelPath = result.GetValue(model);
            if (result.GetValue(diameter) is double d && !(d > 0))
            {
                throw new CliUsageException("--diameter must be a positive number of pixels");
            }

            if (modelPath is null)
            {
                var classical = new ClassicalSegmenter(new ClassicalOptions { MinSize = result.GetValue(minSize), Sigma = result.GetValue(sigma) });
                return Execute(console, result.GetValue(inputs)!, result.GetValue(output)!, result.GetValue(overwrite), classical.Segment);
            }

            using var loaded = SegmentationModel.Load(modelPath, null, result.GetValue(device) == "cuda" ? ExecutionDevice.Cuda : ExecutionDevice.Cpu, new ConsoleWarningLogger(console));
            Func<Image, LabelImage> segment = ModelSegmentation.Create(loaded, result.GetValue(diameter), result.GetValue(estimate), result.GetValue(augment), result.GetValue(minSize));
            return Execute(console, result.GetValue(inputs)!, result.GetValue(output)!, result.GetValue(overwrite), segment);
        });
        return command;
    }

    private static int Execute(CliConsole console, string[] inputs, string outDir, bool overwrite, Func<Image, LabelImage> segment)
    {
        IReadOnlyList<string> files = InputFiles.Expand(inputs);
        OutputFolder.Prepare(outDir);

        var failures = new List<string>();
        var summary = new List<(string Name, string Result)>();
        var todo = files.Where(f => overwrite || !File.Exists(OutputPath(outDir, f, MasksSuffix))).ToList();
        foreach (string skipped in files.Except(todo))
        {
            summary.Add((Path.GetFileName(skipped), "skipped (outputs exist; --overwrite to redo)"));
        }

        BatchProgress.Run(console, "segmenting", todo, file =>
        {
            try
            {
                Image image = ImageFile.Read(file);
                LabelImage labels = segment(image);
                ObjectTable.Write(OutputPath(outDir, file, ObjectsSuffix), labels, image);
                Overlay.WritePng(OutputPath(outDir, file, OverlaySuffix), image, labels);
                // The label image goes last: its presence is what marks an input as done.
                LabelImageFile.Write(OutputPath(outDir, file, MasksSuffix), labels);
                summary.Add((Path.GetFileName(file), $"{labels.MaxLabel} objects"));
            }
            catch (SegKitException e)
            {
                failures.Add(e.Message);
                summary.Add((Path.GetFileName(file), "FAILED"));
            }
        });

        foreach (var (name, text) in summary.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            console.Out.WriteLine($"{name}: {text}");
        }

        console.Out.WriteLine($"outputs in {Path.GetFullPath(outDir)}");
        foreach (string failure in failures)
        {
            console.Error.WriteLine($"segkit: {failure}");
        }

        return failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static string OutputPath(string outDir, string input, string suffix) =>
        Path.Combine(outDir, InputFiles.OutputStem(input) + suffix);
}

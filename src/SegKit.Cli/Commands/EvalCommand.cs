using System.CommandLine;
using System.Globalization;
using System.Text;
using SegKit.Core;
using SegKit.Core.Classical;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Core.Metrics;
using SegKit.Imaging;
using SegKit.Inference;
using Spectre.Console;

namespace SegKit.Cli.Commands;

/// <summary>
/// segkit eval: matches predicted label images to ground truth by file name and reports instance metrics
/// per image and over the data set (summed counts).
/// </summary>
internal static class EvalCommand
{
    public const string CsvName = "eval_per_image.csv";
    public const string PlotName = "eval_ap_vs_iou.png";

    /// <summary>Suffixes dropped from file stems before pairing, so x_masks.tif pairs with x.png.</summary>
    private static readonly string[] PairingSuffixes = ["_cp_masks", "_masks", "_labels", "_mask"];

    public static Command Create(CliConsole console)
    {
        var pred = new Option<string?>("--pred", "-p") { Description = "Folder of predicted label images." };
        var truth = new Option<string>("--truth", "-t", "--masks") { Required = true, Description = "Folder of ground-truth label images (paired by file name)." };
        var model = new Option<string?>("--model") { Description = "Segment --images with this ONNX model (a file, or nuclei or membranes for a bundled model) and score the result (instead of --pred)." };
        var images = new Option<string?>("--images") { Description = "With --model: the folder of images to segment." };
        var thresholds = new Option<double[]>("--thresholds") { DefaultValueFactory = _ => [0.5, 0.75, 0.9], AllowMultipleArgumentsPerToken = true, Description = "IoU thresholds (default 0.5 0.75 0.9)." };
        var output = new Option<string?>("--out", "-o") { Description = $"Folder for {CsvName} and {PlotName} (default: the --pred folder)." };
        var truthComponents = new Option<bool>("--truth-components") { Description = "The ground truth is a semantic mask (e.g. 0 = membrane, 255 = interior): its objects are the connected components of its foreground." };
        var json = new Option<string?>("--json") { Description = "Also write the JSON report (schema segkit.eval/1) to this file." };
        var command = new Command("eval", "Compare predicted label images with ground truth: TP, FP, FN, average precision at IoU thresholds, aggregated Jaccard index.")
        {
            pred, truth, thresholds, output, json, model, images, truthComponents,
        };
        var cellpose = CellposeCommandOptions.ForModels(command);
        command.SetAction(result =>
        {
            // Checked even with --pred, so that a bad value is refused the same way whatever else is given.
            SegmentOptions options = cellpose.Segmentation(result);
            double[] th = result.GetValue(thresholds)!;
            if (th.Length == 0 || th.Any(t => !(t > 0 && t <= 1)))
            {
                throw new CliUsageException("--thresholds must be IoU values in (0, 1]");
            }

            string? predDir = result.GetValue(pred);
            string? modelPath = result.GetValue(model);
            if ((predDir is null) == (modelPath is null))
            {
                throw new CliUsageException("give either --pred (a folder of predictions) or --model with --images");
            }

            if (modelPath is null)
            {
                return Execute(console, predDir!, result.GetValue(truth)!, th, result.GetValue(output) ?? predDir!, result.GetValue(json), result.GetValue(truthComponents), file => new EvalPrediction(LabelImageFile.Read(file)));
            }

            string imagesDir = result.GetValue(images) ?? throw new CliUsageException("--model needs --images, the folder of images to segment");
            // A bundled model by name, as segment's --method names it, unless a file of that name is there.
            if (modelPath is "nuclei" or "membranes" && !File.Exists(modelPath))
            {
                modelPath = SegmentCommand.BundledModelPath(modelPath);
            }

            using var loaded = SegmentationModel.Load(modelPath, logger: new ConsoleWarningLogger(console));
            ModelSegmenter segmenter = loaded.CreateSegmenter(options);
            return Execute(console, imagesDir, result.GetValue(truth)!, th, result.GetValue(output) ?? ".", result.GetValue(json), result.GetValue(truthComponents), file =>
            {
                SegmentationResult segmented = segmenter.Segment(ImageFile.Read(file), file);

                // Only a U-Net's probability is a class probability (it sets ClassMap); Cellpose's is a logit.
                return new EvalPrediction(segmented.Labels, segmented.ClassMap is null ? null : segmented.Probability);
            });
        });
        return command;
    }

    /// <param name="predict">Gives the predicted labels for a file of the --pred folder: read them, or segment the image.</param>
    private static int Execute(CliConsole console, string predDir, string truthDir, double[] thresholds, string outDir, string? jsonPath, bool truthComponents, Func<string, EvalPrediction> predict)
    {
        // Checked before any image is segmented: a missing or unwritable folder fails at once.
        CheckFolders(predDir, truthDir);
        OutputFolder.Prepare(outDir);
        var evaluations = Score(console, predDir, truthDir, thresholds, truthComponents, predict);
        var entries = evaluations.Select(e => ReportEntry.From(e.Name, e.Truth, e.Pred, e.Result, e.Pixels)).ToList();
        var total = ReportEntry.From(DatasetEvaluation.Combine(evaluations.Select(e => e.Result)), SemanticEvaluation.Combine(evaluations.Select(e => e.Pixels)));
        ProbabilityThresholdSweep? sweep = evaluations.All(e => e.Sweep is not null) ? ProbabilityThresholdSweep.Combine(evaluations.Select(e => e.Sweep!)) : null;
        var report = new EvaluationReport(EvaluationReport.CurrentSchema, thresholds, entries, total)
        {
            ForegroundProbability = sweep is null ? null : EvaluationReportSweep.From(sweep),
        };

        PrintTable(console, report);
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pixels (foreground vs background, summed): accuracy {total.Pixels.Accuracy:0.0000}, foreground IoU {total.Pixels.ForegroundIoU:0.0000}, Dice {total.Pixels.ForegroundDice:0.0000}"));
        if (report.ForegroundProbability is { } s)
        {
            PrintSweep(console, s);
        }

        WriteCsv(Path.Combine(outDir, CsvName), report);
        var curve = Enumerable.Range(0, 10).Select(i => 0.5 + (0.05 * i)).Union(thresholds).Order().ToArray();
        var curveTotal = DatasetEvaluation.Combine(evaluations.Select(e => InstanceMetrics.Evaluate(e.Result.Overlap, curve)));
        PrecisionPlot.WritePng(Path.Combine(outDir, PlotName), curve, [("data set (summed counts)", curveTotal.Scores.Select(t => t.AveragePrecision).ToList())]);
        if (jsonPath is not null)
        {
            string dir = Path.GetDirectoryName(Path.GetFullPath(jsonPath))!;
            OutputFolder.Prepare(dir);
            byte[] bytes = Encoding.UTF8.GetBytes(report.ToJson());
            AtomicFile.Write(jsonPath, s => s.Write(bytes));
        }

        console.Out.WriteLine($"wrote {Path.Combine(outDir, CsvName)} and {Path.Combine(outDir, PlotName)}{(jsonPath is null ? string.Empty : $" and {jsonPath}")}");
        return ExitCodes.Success;
    }

    /// <summary>
    /// Pairs the files of <paramref name="predDir"/> with the ground truth of the same name and scores each pair; with
    /// --model, <paramref name="predict"/> segments the image file instead of reading a prediction. What eval reports,
    /// and what export's float16 gate compares.
    /// </summary>
    internal static List<ImageScore> Score(CliConsole console, string predDir, string truthDir, double[] thresholds, bool truthComponents, Func<string, EvalPrediction> predict)
    {
        CheckFolders(predDir, truthDir);
        var pairs = Pair(console, PredictionFiles(ImageFile.ListImages(predDir)), ImageFile.ListImages(truthDir));
        if (pairs.Count == 0)
        {
            throw new InvalidImageException($"no prediction pairs with a ground-truth file of the same name (in {truthDir})", predDir);
        }

        var evaluations = new List<ImageScore>();
        BatchProgress.Run(console, "evaluating", pairs.Select(p => p.Pred).ToList(), predFile =>
        {
            var (name, truthFile, _) = pairs.First(p => p.Pred == predFile);
            LabelImage truthLabels = LabelImageFile.Read(truthFile);
            if (truthComponents)
            {
                truthLabels = ForegroundComponents(truthLabels);
            }

            EvalPrediction prediction = predict(predFile);
            LabelImage predLabels = prediction.Labels;
            if (truthLabels.Height != predLabels.Height || truthLabels.Width != predLabels.Width)
            {
                throw new ShapeMismatchException(
                    $"prediction is {predLabels.Height}x{predLabels.Width} but its ground truth {truthFile} is {truthLabels.Height}x{truthLabels.Width}", predFile);
            }

            ProbabilityThresholdSweep? sweep = prediction.ForegroundProbability is { } probability
                ? ProbabilityThresholdSweep.Evaluate(truthLabels, probability, ProbabilityThresholdSweep.ChallengeThresholds)
                : null;
            evaluations.Add(new ImageScore(name, truthFile, predFile, InstanceMetrics.Evaluate(truthLabels, predLabels, thresholds), SemanticMetrics.EvaluateForeground(truthLabels, predLabels), sweep));
        });

        return evaluations;
    }

    private static void CheckFolders(params string[] folders)
    {
        foreach (string dir in folders)
        {
            if (!Directory.Exists(dir))
            {
                throw new CliUsageException($"{dir}: no such folder");
            }
        }
    }

    private static List<(string Name, string Truth, string Pred)> Pair(CliConsole console, IReadOnlyList<string> predFiles, IReadOnlyList<string> truthFiles)
    {
        var truthByKey = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string t in truthFiles)
        {
            if (!truthByKey.TryAdd(PairingKey(t), t))
            {
                throw new CliUsageException($"two ground-truth files pair with the same name: {truthByKey[PairingKey(t)]} and {t}");
            }
        }

        var pairs = new List<(string, string, string)>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (string p in predFiles)
        {
            string key = PairingKey(p);
            if (truthByKey.TryGetValue(key, out string? t))
            {
                if (!used.Add(key))
                {
                    throw new CliUsageException($"two predictions pair with the same ground truth {t}");
                }

                pairs.Add((key, t, p));
            }
            else
            {
                console.Error.WriteLine($"segkit: warning: {p} has no ground truth in the --truth folder; skipped");
            }
        }

        foreach (var (key, t) in truthByKey.Where(kv => !used.Contains(kv.Key)))
        {
            console.Error.WriteLine($"segkit: warning: ground truth {t} has no prediction; skipped");
        }

        return pairs;
    }

    /// <summary>
    /// A folder written by segkit segment also holds overlays: when some files carry a mask suffix, only those
    /// are predictions.
    /// </summary>
    private static IReadOnlyList<string> PredictionFiles(IReadOnlyList<string> files)
    {
        var masks = files.Where(f => PairingKey(f) != Path.GetFileNameWithoutExtension(f)).ToList();
        return masks.Count > 0 ? masks : files;
    }

    private static string PairingKey(string path)
    {
        string stem = Path.GetFileNameWithoutExtension(path);
        foreach (string suffix in PairingSuffixes)
        {
            if (stem.EndsWith(suffix, StringComparison.Ordinal) && stem.Length > suffix.Length)
            {
                return stem[..^suffix.Length];
            }
        }

        return stem;
    }

    private static void PrintTable(CliConsole console, EvaluationReport report)
    {
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("image");
        table.AddColumn(new TableColumn("truth").RightAligned());
        table.AddColumn(new TableColumn("pred").RightAligned());
        foreach (double t in report.Thresholds)
        {
            table.AddColumn(new TableColumn(string.Create(CultureInfo.InvariantCulture, $"AP@{t:0.##}")).RightAligned());
        }

        table.AddColumn(new TableColumn("AJI").RightAligned());
        foreach (var entry in report.Images.Append(report.Total))
        {
            var cells = new List<string> { Markup.Escape(entry.Name), entry.TruthObjects.ToString(CultureInfo.InvariantCulture), entry.PredictedObjects.ToString(CultureInfo.InvariantCulture) };
            cells.AddRange(entry.PerThreshold.Select(t => t.AveragePrecision.ToString("0.000", CultureInfo.InvariantCulture)));
            cells.Add(entry.AggregatedJaccard.ToString("0.000", CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }

        var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Out), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        ansi.Profile.Width = 200;
        ansi.Write(table);
    }

    /// <summary>
    /// The U-Net's foreground probability at each threshold, and the ISBI 2012 challenge's pixel error: published figures
    /// for EM membranes (the U-Net paper's 0.0611) are on that scale, not 1 - accuracy.
    /// </summary>
    private static void PrintSweep(CliConsole console, EvaluationReportSweep sweep)
    {
        var inv = CultureInfo.InvariantCulture;
        console.Out.WriteLine("foreground probability above each threshold as foreground (summed):");
        console.Out.WriteLine("  threshold " + string.Concat(sweep.Thresholds.Select(t => t.ToString(" 0.00  ", inv))));
        console.Out.WriteLine("  accuracy  " + string.Concat(sweep.Accuracy.Select(a => a.ToString(" 0.0000", inv))));
        console.Out.WriteLine("  F-score   " + string.Concat(sweep.FScore.Select(f => f.ToString(" 0.0000", inv))));
        console.Out.WriteLine(string.Create(inv, $"ISBI 2012 pixel error (1 - maximal foreground F-score over the thresholds): {sweep.PixelError:0.0000} at threshold {sweep.BestThreshold:0.0#}"));
    }

    private static void WriteCsv(string path, EvaluationReport report)
    {
        var text = new StringBuilder("image,truth_file,prediction_file,truth_objects,predicted_objects");
        foreach (double t in report.Thresholds)
        {
            string s = t.ToString("0.###", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $",tp@{s},fp@{s},fn@{s},ap@{s}");
        }

        text.Append(",aggregated_jaccard,pixel_accuracy,foreground_iou\n");
        foreach (var e in report.Images.Append(report.Total))
        {
            text.Append(CultureInfo.InvariantCulture, $"{Csv(e.Name)},{Csv(e.TruthFile)},{Csv(e.PredictionFile)},{e.TruthObjects},{e.PredictedObjects}");
            foreach (var t in e.PerThreshold)
            {
                text.Append(CultureInfo.InvariantCulture, $",{t.TruePositives},{t.FalsePositives},{t.FalseNegatives},{t.AveragePrecision:0.######}");
            }

            text.Append(CultureInfo.InvariantCulture, $",{e.AggregatedJaccard:0.######},{e.Pixels.Accuracy:0.######},{e.Pixels.ForegroundIoU:0.######}\n");
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    private static LabelImage ForegroundComponents(LabelImage mask)
    {
        var foreground = new bool[mask.Data.Length];
        ReadOnlySpan<int> values = mask.Data;
        for (int i = 0; i < foreground.Length; i++)
        {
            foreground[i] = values[i] != 0;
        }

        return ConnectedComponents.Label(foreground, mask.Height, mask.Width, Connectivity.Four);
    }

    private static string Csv(string? value) =>
        value is null ? string.Empty : value.Contains(',') || value.Contains('"') ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
}

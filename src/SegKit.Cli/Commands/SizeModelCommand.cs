using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SegKit.Core.Images;
using SegKit.Imaging;
using SegKit.Inference;
using SegKit.Onnx;
using SegKit.Training.Data;

namespace SegKit.Cli.Commands;

/// <summary>
/// segkit size-model: fits Cellpose's size model (style vector to object diameter) for a Cellpose ONNX model on annotated
/// folders and stores it in the model's card, so that estimating each image's diameter costs one encoder pass on a few
/// windows instead of a whole segmentation pass.
/// </summary>
internal static class SizeModelCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Option<string>("--model") { Required = true, Description = "A SegKit Cellpose ONNX model (with a style output)." };
        var train = new Option<string[]>("--train") { Required = true, AllowMultipleArgumentsPerToken = false, Description = "Annotated folder (images/ and masks/) to fit on; repeat for several." };
        var exclude = new Option<string?>("--exclude") { Description = "A text file of image names never fitted on (a held-out split)." };
        var val = new Option<string?>("--val") { Description = "Annotated folder to report the estimate's error on (and the two-pass estimate's, for comparison)." };
        var output = new Option<string?>("--out", "-o") { Description = "The ONNX file to write (default: the model itself, replaced atomically)." };
        var scales = new Option<int>("--scales") { DefaultValueFactory = _ => 4, Description = "Resampled copies per training image (random object diameters: see --diameters)." };
        var regularization = new Option<string>("--regularization") { DefaultValueFactory = _ => "1", Description = "Ridge penalty (Cellpose: 1); several, comma-separated, are each fitted and the one with the lowest --val error kept." };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Random seed for the resampling." };
        var diameters = new Option<string?>("--diameters")
        {
            Description = "MIN,MAX: the object diameters in pixels the training images are resampled to (log-uniform); default 1/3 to 2x the model's diameter. Cover the diameters of the images the model will see: a 17 px model meets 35-40 px nuclei, beyond 2x.",
        };
        var refine = new Option<bool>("--refine")
        {
            Description = "Check each estimate with the masks it gives and segment again at their median diameter where the two differ by more than 10% (a second pass for those images only); stored in the card. With --val, the refined diameters' error is reported too.",
        };
        var command = new Command("size-model", "Fit a Cellpose model's size model (one-pass diameter estimate) and store it in its card.")
        {
            model, train, exclude, val, output, scales, regularization, seed, diameters, refine,
        };
        command.SetAction(result =>
        {
            if (result.GetValue(scales) < 1)
            {
                throw new CliUsageException("--scales must be at least 1");
            }

            double[] penalties = [.. result.GetValue(regularization)!.Split(',').Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v) ? v : throw new CliUsageException($"--regularization takes positive numbers, not '{p}'"))];
            if (penalties.Length > 1 && result.GetValue(val) is null)
            {
                throw new CliUsageException("choosing among several --regularization values needs --val");
            }

            (double Min, double Max)? range = null;
            if (result.GetValue(diameters) is string text)
            {
                string[] parts = text.Split(',');
                if (parts.Length != 2
                    || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double min)
                    || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double max)
                    || !(min > 0 && max > min && double.IsFinite(max)))
                {
                    throw new CliUsageException($"--diameters takes MIN,MAX in pixels with 0 < MIN < MAX (e.g. 8,50), not '{text}'");
                }

                range = (min, max);
            }

            return Execute(console, result.GetValue(model)!, result.GetValue(train)!, result.GetValue(exclude), result.GetValue(val), result.GetValue(output), result.GetValue(scales), penalties, result.GetValue(seed), range, result.GetValue(refine));
        });
        return command;
    }

    private static int Execute(CliConsole console, string modelPath, string[] trainDirs, string? excludeFile, string? valDir, string? outPath, int scales, double[] penalties, int seed, (double Min, double Max)? diameters, bool refine)
    {
        using var model = SegmentationModel.Load(modelPath);
        if (model.Card.Kind != SegmentationModelKind.Cellpose || model.Card.Diameter is not double modelDiameter)
        {
            throw new CliUsageException($"{modelPath} is a {model.Card.Kind} model; a size model is for Cellpose models");
        }

        OnnxStyleNetwork style = model.StyleNetwork
            ?? throw new CliUsageException($"{modelPath} has no '{OnnxStyleNetwork.StyleOutputName}' output [N, S] to fit a size model on (export it with this SegKit)");
        var load = new DatasetLoadOptions
        {
            Channels = ModelChannels.Selection(model.Card),
            InvertBrightBackground = model.Card.InvertBrightBackground,
            Exclude = excludeFile is null ? null : TrainCommand.ReadNameList(excludeFile),
            FlowCache = FlowCache.DefaultFolder,
        };
        var samples = new List<SizeModelFitter.Sample>();
        foreach (string dir in trainDirs)
        {
            var set = SegmentationDataset.Load(dir, SegmentationModelKind.Cellpose, load);
            samples.AddRange(set.Items.Select(i => new SizeModelFitter.Sample(i.Image, i.Diameter ?? double.NaN)));
            console.Error.WriteLine($"loaded {set.Count} image(s) from {dir}");
        }

        int tileSize = model.Card.TileSize;
        var clock = Stopwatch.StartNew();
        var fitter = new SizeModelFitter(style, modelDiameter, tileSize)
        {
            ScalesPerImage = scales,
            MinimumRatio = diameters is var (min, _) ? min / modelDiameter : SizeModelFitter.DefaultMinimumRatio,
            MaximumRatio = diameters is var (_, max) ? max / modelDiameter : SizeModelFitter.DefaultMaximumRatio,
        };
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"training images resampled to object diameters of {fitter.MinimumRatio * modelDiameter:0.#}-{fitter.MaximumRatio * modelDiameter:0.#} px (model: {modelDiameter:0.#} px)"));

        var progress = new ProgressCallback<int>(n =>
        {
            if (n % 100 == 0 || n == samples.Count)
            {
                console.Error.WriteLine($"styles of {n}/{samples.Count} images ({clock.Elapsed.TotalSeconds:0} s)");
            }
        });
        var (styles, targets) = fitter.CollectStyles(samples, seed, progress);
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"styles of {styles.Count} resampled images in {clock.Elapsed.TotalSeconds:0} s"));
        var val = valDir is null ? null : MeasureValidation(model, style, valDir);
        ModelCard? card = null;
        double bestError = double.PositiveInfinity;
        foreach (double penalty in penalties)
        {
            SizeModelParameters size = SizeModelFitter.Solve(styles, targets, penalty);
            // A target is log(diameter / model diameter), so exp(target) is the true ratio the estimate is compared with.
            var errors = styles.Select((s, i) => Math.Abs((size.Estimate(s, 1) / Math.Exp(targets[i])) - 1)).ToList();
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"penalty {penalty:G3}: median relative error on the fitted images {Median(errors):0.000}"));
            var candidate = model.Card with { SizeModel = size };
            double error = val is null ? 0 : Report(console, size, modelDiameter, val, valDir!);
            if (card is null || error < bestError)
            {
                (card, bestError) = (candidate, error);
            }
        }

        if (refine)
        {
            card = card! with { SizeModel = card.SizeModel! with { Refine = true } };
        }

        OnnxModel onnx = OnnxReader.ReadFile(modelPath);
        card!.WriteTo(onnx.Metadata);

        string target = outPath ?? modelPath;
        OnnxWriter.WriteFile(target, onnx);
        console.Out.WriteLine($"wrote {target} with the size model in its card");
        if (refine && valDir is not null)
        {
            ReportRefined(console, target, valDir);
        }

        return ExitCodes.Success;
    }

    /// <summary>The diameters the written model segments the val images at, size model and refinement included, against the truth.</summary>
    private static void ReportRefined(CliConsole console, string modelPath, string valDir)
    {
        using var written = SegmentationModel.Load(modelPath);
        var segmenter = written.CreateSegmenter();
        var errors = new List<double>();
        console.Out.WriteLine("image  true  refined (diameters in px)");
        foreach (var (name, imagePath, truth) in ValidationImages(valDir))
        {
            double used = segmenter.Segment(ImageFile.Read(imagePath), imagePath).Diameter ?? double.NaN;
            errors.Add(Math.Abs(used - truth) / truth);
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}  {truth:0.0}  {used:0.0}"));
        }

        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{valDir}: median relative error of the refined diameter {Median(errors):0.000}"));
    }

    /// <summary>The val images that have a mask with objects: name, image file and the mask's median diameter.</summary>
    private static IEnumerable<(string Name, string ImagePath, double Truth)> ValidationImages(string valDir)
    {
        var masks = ImageFile.ListImages(Path.Combine(valDir, "masks")).ToDictionary(m => Path.GetFileNameWithoutExtension(m), StringComparer.Ordinal);
        foreach (string imagePath in ImageFile.ListImages(Path.Combine(valDir, "images")))
        {
            string name = Path.GetFileNameWithoutExtension(imagePath);
            if (masks.TryGetValue(name, out string? maskPath) && LabelImageFile.Read(maskPath).MedianDiameter() is double truth)
            {
                yield return (name, imagePath, truth);
            }
        }
    }

    /// <summary>
    /// What the validation report needs of each annotated val image, computed once for every penalty tried: its true
    /// median diameter, its style (as inference takes it) and the two-pass estimate (the masks of a first pass).
    /// </summary>
    private static List<(string Name, double Truth, float[] Style, double? FirstPass)> MeasureValidation(SegmentationModel model, OnnxStyleNetwork style, string valDir)
    {
        var firstPass = model.CreateSegmenter(new SegmentOptions { EstimateDiameter = false });
        ChannelSelection channels = ModelChannels.Selection(model.Card);
        var images = new List<(string, double, float[], double?)>();
        foreach (var (name, imagePath, truth) in ValidationImages(valDir))
        {
            Image raw = ImageFile.Read(imagePath);
            float[] imageStyle = style.ImageStyle(SegmentationDataset.Prepare(raw, SegmentationModelKind.Cellpose, channels, model.Card.InvertBrightBackground), model.Card.TileSize);
            images.Add((name, truth, imageStyle, firstPass.Segment(raw, imagePath).Labels.MedianDiameter()));
        }

        return images;
    }

    /// <summary>Per-image estimates on the validation folder: the size model's and the two-pass one; returns the size model's median relative error.</summary>
    private static double Report(CliConsole console, SizeModelParameters size, double modelDiameter, List<(string Name, double Truth, float[] Style, double? FirstPass)> val, string valDir)
    {
        var styleErrors = new List<double>();
        var maskErrors = new List<double>();
        console.Out.WriteLine("image  true  size-model  first-pass-masks (diameters in px)");
        foreach (var (name, truth, imageStyle, firstPass) in val)
        {
            double byStyle = size.Estimate(imageStyle, modelDiameter);
            styleErrors.Add(Math.Abs(byStyle - truth) / truth);
            if (firstPass is double m)
            {
                maskErrors.Add(Math.Abs(m - truth) / truth);
            }

            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}  {truth:0.0}  {byStyle:0.0}  {firstPass:0.0}"));
        }

        double error = Median(styleErrors);
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{valDir}: median relative error of the diameter estimate {error:0.000} (size model), {Median(maskErrors):0.000} (masks of a first pass)"));
        return error;
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Reflection;
using SegKit.Core;
using SegKit.Core.Dynamics;
using SegKit.Core.Metrics;
using SegKit.Export;
using SegKit.Imaging;
using SegKit.Inference;
using SegKit.Interop.BioImageIo;
using SegKit.Onnx;
using SegKit.Training.Models;
using SegKit.Training.Training;

namespace SegKit.Cli.Commands;

/// <summary>
/// segkit export: a training checkpoint (Cellpose network or U-Net) to an ONNX model with its card, written only if
/// ONNX Runtime reproduces TorchSharp on a random input at the training patch size.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(CliConsole console)
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "A checkpoint written by segkit train (best.ckpt or last.ckpt); with --bioimageio also a SegKit ONNX model (e.g. models/membranes.onnx)." };
        var output = new Option<string?>("--out", "-o") { Description = "The ONNX file to write (needed for a checkpoint)." };
        var bioimageio = new Option<string?>("--bioimageio") { Description = "Also write a bioimage.io model package (spec 0.5) to this folder, and DIR.zip beside it." };
        var image = new Option<string?>("--image") { Description = "The image the package's test tensors and cover are cut from (default models/samples/images/dsb_4be73d68.png)." };
        var name = new Option<string?>("--name") { Description = "The package's name (default the model file's name)." };
        var authors = new Option<string[]>("--author") { Description = "An author of the model for the package (repeatable; default 'SegKit contributors')." };
        var license = new Option<string>("--license") { DefaultValueFactory = _ => "MIT", Description = "The weights' licence for the package, an SPDX id." };
        var trainingData = new Option<string?>("--training-data") { Description = "What the model was trained on, for its card." };
        var metrics = new Option<string[]>("--metric") { AllowMultipleArgumentsPerToken = false, Description = "A validation figure for the card, NAME=VALUE (repeatable), e.g. --metric ap@0.5=0.71 from segkit eval." };
        var flowThreshold = new Option<double?>("--flow-threshold")
        {
            Description = "With an ONNX Cellpose model and --out: record in the copy's card the flow threshold its masks are made with by default (Cellpose's flow_threshold, chosen on validation images; 0 keeps every mask). Without it a model uses Cellpose's 0.4.",
        };
        var weights = new Option<string>("--weights")
        {
            DefaultValueFactory = _ => "fp32",
            Description = "fp32, or fp16: convolution weights stored as float16 (half the file; computed in float32; refused when the outputs move by more than 1e-3 of their scale). With an ONNX model and --out, converts that model.",
        };
        weights.AcceptOnlyFromAmong("fp32", "fp16");
        var val = new Option<string?>("--val")
        {
            Description = "With --weights fp16 and an ONNX model: a folder with images/ and masks/ segmented by both models as segkit segment would (the card's settings); the float16 model is refused when its AP@0.5 there (summed counts) differs from the float32 model's by more than 0.005, and its card records both.",
        };
        var command = new Command("export", "Export a trained Cellpose network or U-Net to ONNX (with a model card), after checking ONNX Runtime reproduces TorchSharp.")
        {
            checkpoint, output, trainingData, metrics, flowThreshold, bioimageio, image, name, authors, license, weights, val,
        };
        command.SetAction(result =>
        {
            string source = result.GetValue(checkpoint)!;
            string? outPath = result.GetValue(output);
            string? package = result.GetValue(bioimageio);
            bool onnx = source.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
            bool half = result.GetValue(weights) == "fp16";
            string? valDir = result.GetValue(val);
            double? flow = result.GetValue(flowThreshold);
            if (flow is double f && !(f >= 0 && double.IsFinite(f)))
            {
                throw new CliUsageException($"--flow-threshold must be 0 or more (0 keeps every mask), not {f.ToString(CultureInfo.InvariantCulture)}");
            }

            if (flow is not null && !(onnx && !half && package is null && outPath is not null))
            {
                throw new CliUsageException("--flow-threshold records a setting in a copy's card: give an exported ONNX model and --out FILE (without --weights fp16 or --bioimageio)");
            }

            if (valDir is not null && !(onnx && half))
            {
                throw new CliUsageException("--val checks a float16 conversion: give an exported float32 ONNX model with --weights fp16 --out FILE (its size model, if any, fitted first)");
            }

            if (valDir is not null && !(Directory.Exists(Path.Combine(valDir, "images")) && Directory.Exists(Path.Combine(valDir, "masks"))))
            {
                throw new CliUsageException($"--val {valDir}: needs the folders images/ and masks/");
            }

            if (onnx && half)
            {
                if (outPath is null)
                {
                    throw new CliUsageException("--weights fp16 with an ONNX model needs --out for the converted model");
                }

                int converted = ConvertToFloat16(console, source, outPath, valDir);
                if (converted != ExitCodes.Success || package is null)
                {
                    return converted;
                }

                source = outPath;
            }
            else if (onnx && package is null)
            {
                string[] given = result.GetValue(metrics) ?? [];
                string? data = result.GetValue(trainingData);
                if (outPath is not null && (given.Length > 0 || data is not null || flow is not null))
                {
                    return RewriteCard(console, source, outPath, data, ParseMetrics(given), flow);
                }

                throw new CliUsageException($"{source} is already an ONNX model; give --metric NAME=VALUE (or --training-data, --flow-threshold) --out FILE to record figures in a copy's card, --bioimageio DIR to package it for bioimage.io, or --weights fp16 --out FILE to store its weights as float16");
            }

            if (!onnx && outPath is null)
            {
                throw new CliUsageException("--out is required when exporting a checkpoint");
            }

            int status = ExitCodes.Success;
            if (!onnx)
            {
                status = Execute(console, source, outPath!, result.GetValue(trainingData), ParseMetrics(result.GetValue(metrics) ?? []), half);
            }

            if (status == ExitCodes.Success && package is not null)
            {
                var options = new BioImageExportOptions
                {
                    Name = result.GetValue(name),
                    Authors = result.GetValue(authors) is { Length: > 0 } names ? names : ["SegKit contributors"],
                    License = result.GetValue(license)!,
                    SegKitVersion = Version,
                };
                status = BioImageExportCommand.Execute(console, onnx ? source : outPath!, result.GetValue(image), package, options);
            }

            return status;
        });
        return command;
    }

    private static string Version => typeof(ExportCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// A copy of an exported model whose card records <paramref name="metrics"/> (added to, or replacing, the card's
    /// figures of the same names) and, when given, <paramref name="trainingData"/> and <paramref name="flowThreshold"/>;
    /// weights and size model unchanged.
    /// </summary>
    private static int RewriteCard(CliConsole console, string source, string outPath, string? trainingData, Dictionary<string, double> metrics, double? flowThreshold)
    {
        if (!File.Exists(source))
        {
            throw new SegKitException("model file not found", source);
        }

        OnnxModel model = OnnxReader.ReadFile(source);
        ModelCard card = ModelCard.FromMetadata(model.Metadata, source)
            ?? throw new SegKitException("has no SegKit model card to record figures in", source);
        if (flowThreshold is not null && card.Kind != SegmentationModelKind.Cellpose)
        {
            throw new CliUsageException($"--flow-threshold: {source} is a {card.Kind} model, which has no flows");
        }

        (WithMetrics(card, metrics) with { TrainingData = trainingData ?? card.TrainingData, FlowThreshold = flowThreshold ?? card.FlowThreshold }).WriteTo(model.Metadata);
        OnnxWriter.WriteFile(outPath, model);
        string flowNote = flowThreshold is double t ? string.Create(CultureInfo.InvariantCulture, $" and flow threshold {t}") : "";
        console.Out.WriteLine($"wrote {outPath} with {metrics.Count} figure(s){flowNote} recorded in its card");
        return ExitCodes.Success;
    }

    private static Dictionary<string, double> ParseMetrics(string[] entries)
    {
        var parsed = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string entry in entries)
        {
            int equals = entry.LastIndexOf('=');
            if (equals <= 0 || !double.TryParse(entry[(equals + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                throw new CliUsageException($"--metric takes NAME=VALUE with a number, e.g. ap@0.5=0.71, not '{entry}'");
            }

            parsed[entry[..equals]] = value;
        }

        return parsed;
    }

    /// <summary>
    /// An ONNX model rewritten with float16 weights, after ONNX Runtime's outputs of the two are compared and, with
    /// <paramref name="valDir"/>, their AP@0.5 on it.
    /// </summary>
    private static int ConvertToFloat16(CliConsole console, string source, string outPath, string? valDir)
    {
        if (!File.Exists(source))
        {
            throw new SegKitException("model file not found", source);
        }

        byte[] original = File.ReadAllBytes(source);
        OnnxModel model = OnnxReader.Read(original, source);
        ModelCard card = ModelCard.FromMetadata(model.Metadata, source) ?? throw new SegKitException("has no SegKit model card; only SegKit models are converted", source);
        int converted = OnnxWeightStorage.ToFloat16(model);
        if (converted == 0)
        {
            throw new SegKitException("has no float32 convolution or matrix weights to store as float16 (already converted?)", source);
        }

        OnnxValueInfo input = model.Graph.Inputs[0];
        OnnxValueInfo output = model.Graph.Outputs[0];
        int channels = card.InputChannels.Count > 0 ? card.InputChannels.Count : card.Kind == SegmentationModelKind.Cellpose ? 2 : 1;
        int size = card.TileSize;
        byte[] halfBytes = OnnxWriter.ToBytes(model);
        double difference = ExportGate.OnnxParityCheck(original, halfBytes, input.Name, output.Name, channels, size);
        // Refused before the slower val check.
        ExportGate.Check(difference, source, ExportGate.Float16Tolerance, "the float32 model");
        if (valDir is not null)
        {
            double full = ValidationAp(console, original, source, card, valDir);
            double half = ValidationAp(console, halfBytes, outPath, card, valDir);
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"AP@0.5 on {valDir}: float32 {full:0.0000}, float16 {half:0.0000} (difference {half - full:+0.0000;-0.0000}; at most {Float16ApTolerance} allowed)"));
            if (!Float16Accepted(full, half))
            {
                throw new SegKitException(string.Create(CultureInfo.InvariantCulture, $"float16 weights move AP@0.5 on {valDir} from {full:0.0000} to {half:0.0000}, by more than {Float16ApTolerance}; nothing was written"), source);
            }

            WithMetrics(card, new Dictionary<string, double> { [Float16ApMetric] = half, [Float32ApMetric] = full }).WriteTo(model.Metadata);
        }

        ExportGate.Write(console, model, difference, source, outPath, ExportGate.Float16Tolerance, "the float32 model");
        return ExitCodes.Success;
    }

    /// <summary>Issue 13's bound for a reduced-precision variant: val AP@0.5 within 0.005 of float32.</summary>
    internal const double Float16ApTolerance = 0.005;

    /// <summary>Whether float16 weights keep AP@0.5 within <see cref="Float16ApTolerance"/> of float32's, either way (NaN: no).</summary>
    internal static bool Float16Accepted(double float32Ap, double float16Ap) => Math.Abs(float16Ap - float32Ap) <= Float16ApTolerance;

    /// <summary>The card's record of the gate: AP@0.5 on the --val folder of these float16 weights and of the float32 model they came from.</summary>
    internal const string Float16ApMetric = "float16_ap@0.5";

    internal const string Float32ApMetric = "float32_ap@0.5";

    /// <summary>
    /// AP@0.5 (summed counts) of <paramref name="model"/> on the val folder, segmented with the card's settings as segkit
    /// segment would (diameter estimated); a U-Net's semantic ground truth is read as its foreground's components.
    /// </summary>
    private static double ValidationAp(CliConsole console, byte[] model, string name, ModelCard card, string valDir)
    {
        using var stream = new MemoryStream(model, writable: false);
        using var loaded = SegmentationModel.Load(stream, name, logger: new ConsoleWarningLogger(console));
        ModelSegmenter segmenter = loaded.CreateSegmenter();
        var scores = EvalCommand.Score(
            console,
            Path.Combine(valDir, "images"),
            Path.Combine(valDir, "masks"),
            [0.5],
            truthComponents: card.Kind == SegmentationModelKind.UNet,
            file => new EvalPrediction(segmenter.Segment(ImageFile.Read(file), file).Labels));
        return DatasetEvaluation.Combine(scores.Select(s => s.Result)).Scores[0].AveragePrecision;
    }

    private static int Execute(CliConsole console, string checkpointPath, string outPath, string? trainingData, Dictionary<string, double> extraMetrics, bool half)
    {
        var (model, options, header) = Trainer.LoadModel(checkpointPath);
        using var disposeModel = model;
        var card = new ModelCard
        {
            Kind = SegmentationModelKind.Cellpose,
            InputChannels = ModelChannels.Describe(options.Channels, SegmentationModelKind.Cellpose),
            TileSize = options.PatchSize,
            TrainingData = $"{trainingData ?? "unspecified"}; {header.Epoch + 1} epochs, seed {options.Seed}",
            TrainedAt = File.GetLastWriteTimeUtc(checkpointPath),
            SegKitVersion = typeof(ExportCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
        };
        OnnxModel onnx;
        Func<byte[], double> parity;
        switch (model)
        {
            case CellposeNet net:
                card = card with
                {
                    Diameter = options.ModelDiameter,
                    InvertBrightBackground = options.InvertBrightBackground,
                    ValidationMetrics = Metrics("ap50", header.BestMetric),

                    // The model was selected with these dynamics, so it runs with them by default.
                    FlowThreshold = options.FlowThreshold != DynamicsOptions.Default.FlowThreshold ? options.FlowThreshold : null,
                };
                onnx = CellposeNetExporter.Export(net, card);
                parity = bytes => ExportGate.ParityCheck(input => net.forward(input).Output, bytes, CellposeNetExporter.InputName, CellposeNetExporter.OutputName, net.Options.InputChannels, options.PatchSize);
                break;
            case UNet unet:
                card = card with
                {
                    Kind = SegmentationModelKind.UNet,
                    InputChannels = unet.Options.InputChannels == 1 ? ModelChannels.Describe(options.Channels, SegmentationModelKind.UNet) : Names("channel", unet.Options.InputChannels),
                    Classes = unet.Options.Classes == 2 ? ["background", "foreground"] : Names("class", unet.Options.Classes),
                    Halo = UNetExporter.Halo(unet.Options),
                    ValidationMetrics = Metrics("foreground_iou", header.BestMetric),
                };
                onnx = UNetExporter.Export(unet, card);
                parity = bytes => ExportGate.ParityCheck(unet.forward, bytes, UNetExporter.InputName, UNetExporter.OutputName, unet.Options.InputChannels, options.PatchSize);
                break;
            default:
                throw new SegKitException($"the checkpoint holds a {model.GetName()}, which has no ONNX export", checkpointPath);
        }

        if (extraMetrics.Count > 0)
        {
            // The card's keys are rewritten in place; the exporter's architecture keys stay.
            WithMetrics(card, extraMetrics).WriteTo(onnx.Metadata);
        }

        if (half)
        {
            // The gate then measures the float16 model against TorchSharp's float32 network.
            OnnxWeightStorage.ToFloat16(onnx);
        }

        double difference = parity(OnnxWriter.ToBytes(onnx));
        ExportGate.Write(console, onnx, difference, checkpointPath, outPath, half ? ExportGate.Float16Tolerance : ExportGate.ParityTolerance);
        return ExitCodes.Success;
    }

    /// <summary>The card with <paramref name="metrics"/> added to its figures (replacing those of the same names).</summary>
    private static ModelCard WithMetrics(ModelCard card, IReadOnlyDictionary<string, double> metrics)
    {
        var merged = new Dictionary<string, double>(card.ValidationMetrics, StringComparer.Ordinal);
        foreach (var (name, value) in metrics)
        {
            merged[name] = value;
        }

        return card with { ValidationMetrics = merged };
    }

    private static Dictionary<string, double> Metrics(string name, double? value) =>
        value is double v ? new Dictionary<string, double> { [name] = v } : [];

    private static string[] Names(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{prefix} {i}")).ToArray();
}

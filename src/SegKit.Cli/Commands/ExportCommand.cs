using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SegKit.Core;
using SegKit.Export;
using SegKit.Inference;
using SegKit.Onnx;
using SegKit.Training.Models;
using SegKit.Training.Training;
using TorchSharp;

namespace SegKit.Cli.Commands;

/// <summary>segkit export: a training checkpoint to an ONNX model with its card, written only if ONNX Runtime reproduces TorchSharp.</summary>
internal static class ExportCommand
{
    /// <summary>Largest difference between ONNX Runtime and TorchSharp outputs that still counts as the same network.</summary>
    public const double ParityTolerance = 1e-4;

    public static Command Create(CliConsole console)
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "A checkpoint written by segkit train (best.ckpt or last.ckpt)." };
        var output = new Option<string>("--out", "-o") { Required = true, Description = "The ONNX file to write." };
        var trainingData = new Option<string?>("--training-data") { Description = "What the model was trained on, for its card." };
        var command = new Command("export", "Export a trained Cellpose network to ONNX (with a model card), after checking ONNX Runtime reproduces TorchSharp.")
        {
            checkpoint, output, trainingData,
        };
        command.SetAction(result => Execute(console, result.GetValue(checkpoint)!, result.GetValue(output)!, result.GetValue(trainingData)));
        return command;
    }

    private static int Execute(CliConsole console, string checkpointPath, string outPath, string? trainingData)
    {
        var (model, options, header) = Trainer.LoadModel(checkpointPath);
        using var disposeModel = model;
        if (model is not CellposeNet net)
        {
            throw new SegKitException("exporting U-Net checkpoints to ONNX is not supported yet; only Cellpose networks export", checkpointPath);
        }

        var card = new ModelCard
        {
            Kind = SegmentationModelKind.Cellpose,
            InputChannels = ModelChannels.Describe(options.Channels, SegmentationModelKind.Cellpose),
            Diameter = options.ModelDiameter,
            InvertBrightBackground = options.InvertBrightBackground,
            TileSize = options.PatchSize,
            TrainingData = $"{trainingData ?? "unspecified"}; {header.Epoch + 1} epochs, seed {options.Seed}",
            TrainedAt = File.GetLastWriteTimeUtc(checkpointPath),
            ValidationMetrics = header.BestMetric is double ap ? new Dictionary<string, double> { ["ap50"] = ap } : new Dictionary<string, double>(),
            SegKitVersion = typeof(ExportCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
        };
        OnnxModel onnx = CellposeNetExporter.Export(net, card);
        double difference = ParityCheck(net, OnnxWriter.ToBytes(onnx), options.PatchSize);
        if (!(difference <= ParityTolerance))
        {
            throw new SegKitException($"ONNX Runtime differs from TorchSharp by {difference:G3} (tolerance {ParityTolerance:G1}); nothing was written", checkpointPath);
        }

        string? dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
        OutputFolder.Prepare(dir!);
        OnnxWriter.WriteFile(outPath, onnx);
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {outPath} ({new FileInfo(outPath).Length / 1e6:0.0} MB); ONNX Runtime vs TorchSharp max difference {difference:G3}"));
        return ExitCodes.Success;
    }

    private static double ParityCheck(CellposeNet net, byte[] onnx, int size)
    {
        using var session = OnnxSessions.Open(onnx, "exported model", intraOpThreads: 2);
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(12345);
        var input = torch.randn([1, net.Options.InputChannels, size, size], generator: generator);
        float[] expected = net.forward(input).Output.data<float>().ToArray();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(CellposeNetExporter.InputName, new DenseTensor<float>(input.data<float>().ToArray(), [1, net.Options.InputChannels, size, size]))]);
        float[] actual = results.First(r => r.Name == CellposeNetExporter.OutputName).AsTensor<float>().ToArray();
        return expected.Length == actual.Length ? expected.Zip(actual, (a, b) => Math.Abs((double)a - b)).Max() : double.PositiveInfinity;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Reflection;
using SegKit.Core.IO;
using SegKit.Export;
using SegKit.Interop.BioImageIo;
using SegKit.Interop.Cellpose;
using SegKit.Onnx;
using SegKit.Training.Models;

namespace SegKit.Cli.Commands;

/// <summary>
/// segkit import cellpose: a model file from Cellpose v2/v3 (its training, GUI or notebooks) to an ONNX model with a card,
/// through the same export and parity check as segkit export. The file is read without running any of its pickle.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Argument<string>("model") { Description = "A Cellpose model file (torch.save of a CPnet state dict, e.g. models/cellpose_1712345678.9)." };
        var output = new Option<string>("--out", "-o") { Required = true, Description = "The ONNX file to write." };
        var diameter = new Option<double?>("--diameter") { Description = "The object diameter (pixels) the network was trained at; default the file's diam_mean (files from before Cellpose 2.0 have none)." };
        var sizeModel = new Option<string?>("--size-model") { Description = "Cellpose's size model for it; default MODEL_size.npy beside the model when there is one." };
        var noSizeModel = new Option<bool>("--no-size-model") { Description = "Leave the size model out even when one sits beside the model." };
        var cellpose = new Command("cellpose", "Import a Cellpose v2/v3 model file (and its MODEL_size.npy) as an ONNX model with a card.")
        {
            model, output, diameter, sizeModel, noSizeModel,
        };
        cellpose.SetAction(result =>
        {
            if (result.GetValue(diameter) is double d && !(d > 0 && double.IsFinite(d)))
            {
                throw new CliUsageException("--diameter must be a positive number of pixels");
            }

            if (result.GetValue(sizeModel) is not null && result.GetValue(noSizeModel))
            {
                throw new CliUsageException("--size-model and --no-size-model exclude each other");
            }

            return Execute(console, result.GetValue(model)!, result.GetValue(output)!, result.GetValue(diameter), result.GetValue(sizeModel), result.GetValue(noSizeModel));
        });
        var package = new Argument<string>("package") { Description = "A bioimage.io model package: a .zip or a folder with rdf.yaml (model spec 0.5 or 0.4) and ONNX weights." };
        var packageOutput = new Option<string>("--out", "-o") { Required = true, Description = "The ONNX file to write." };
        var bioimageio = new Command("bioimageio", "Import a bioimage.io model package (ONNX weights) as a SegKit model, after checking it reproduces its own test tensors.")
        {
            package, packageOutput,
        };
        bioimageio.SetAction(result => ImportBioImage(console, result.GetValue(package)!, result.GetValue(packageOutput)!));
        return new Command("import", "Import a model made by another tool as a SegKit ONNX model.") { cellpose, bioimageio };
    }

    private static int ImportBioImage(CliConsole console, string packagePath, string outPath)
    {
        string version = typeof(ImportCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        BioImageImport import = BioImageModelImporter.Import(packagePath, version);
        ModelCard card = import.Card;
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(packagePath.TrimEnd('/'))}: bioimage.io model '{import.Description.Name}' (format {import.Description.FormatVersion}); {card.Kind}, {(card.Classes is { } classes ? "classes " + string.Join(", ", classes) : $"diameter {card.Diameter} px")}, percentiles {card.LowPercentile}..{card.HighPercentile}, tile {card.TileSize}"));
        foreach (var comparison in import.PackageTest)
        {
            console.Out.WriteLine($"package test: {comparison}");
        }

        console.Out.WriteLine($"SegKit test: {import.SegKitTest}");
        foreach (string note in import.Notes)
        {
            console.Out.WriteLine($"note: {note}");
        }

        OutputFolder.Prepare(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
        SegKit.Core.IO.AtomicFile.Write(outPath, stream => stream.Write(import.ModelBytes));
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {outPath} ({import.ModelBytes.Length / 1e6:0.0} MB)"));
        return ExitCodes.Success;
    }

    private static int Execute(CliConsole console, string modelPath, string outPath, double? diameter, string? sizeModelPath, bool noSizeModel)
    {
        CellposeModelFile file = CellposeModelFile.Read(modelPath);
        using CellposeNet net = CellposeModelImporter.CreateNetwork(file, diameter);
        double modelDiameter = net.Options.DiameterMean;

        sizeModelPath ??= !noSizeModel && File.Exists(CellposeSizeModelFile.PathFor(modelPath)) ? CellposeSizeModelFile.PathFor(modelPath) : null;
        SizeModelParameters? size = null;
        if (sizeModelPath is not null)
        {
            var (parameters, fittedDiameter) = CellposeSizeModelFile.Read(sizeModelPath);
            CellposeModelImporter.CheckSizeModel(file, parameters, sizeModelPath);
            size = CellposeModelImporter.ForModelDiameter(parameters, fittedDiameter, modelDiameter);
        }

        string version = typeof(ImportCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        ModelCard card = CellposeModelImporter.CreateCard(file, diameter, size, version);
        OnnxModel onnx = CellposeNetExporter.Export(net, card);
        double difference = ExportGate.ParityCheck(input => net.forward(input).Output, OnnxWriter.ToBytes(onnx), CellposeNetExporter.InputName, CellposeNetExporter.OutputName, net.Options.InputChannels, card.TileSize);

        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(modelPath)}: Cellpose network (CPnet), widths {file.WidthsText}, diameter {modelDiameter:0.###} px{(diameter is null ? " (diam_mean)" : "")}"));
        console.Out.WriteLine(sizeModelPath is null
            ? "size model: none (segkit segment estimates diameters from a first pass)"
            : $"size model: {Path.GetFileName(sizeModelPath)}");
        if (file.DiameterLabels is double labels)
        {
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Cellpose runs this model at diam_labels = {labels:0.##} px when given no diameter; segkit segment estimates each image's diameter instead (--diameter {labels:0.##} for Cellpose's choice)"));
        }

        ExportGate.Write(console, onnx, difference, modelPath, outPath);
        return ExitCodes.Success;
    }
}

using System.Diagnostics;
using System.Globalization;
using SegKit.Interop.BioImageIo;

namespace SegKit.Cli.Commands;

/// <summary>segkit export --bioimageio DIR: a SegKit ONNX model as a bioimage.io model package (folder and zip).</summary>
internal static class BioImageExportCommand
{
    /// <summary>The sample the package's test tensors come from when no --image is given (run from the repository).</summary>
    public const string DefaultImage = "models/samples/images/dsb_4be73d68.png";

    public static int Execute(CliConsole console, string modelPath, string? imagePath, string folder, BioImageExportOptions options)
    {
        imagePath ??= File.Exists(DefaultImage) ? DefaultImage : throw new CliUsageException($"give --image: the package's test tensors are cut from a real image ({DefaultImage} is not here)");
        var clock = Stopwatch.StartNew();
        BioImageExport export = BioImageModelExporter.Export(modelPath, imagePath, folder, options);
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote bioimage.io package {export.Folder} ({string.Join(", ", export.Files)}) and {export.ZipPath} ({export.ZipBytes / 1e6:0.0} MB); test input [{string.Join(", ", export.TestShape)}] from {Path.GetFileName(imagePath)}; {clock.Elapsed.TotalSeconds:0.0} s"));
        return ExitCodes.Success;
    }
}

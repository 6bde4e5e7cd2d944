using System.CommandLine;
using SegKit.Core.Flows;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Imaging;

namespace SegKit.Cli.Commands;

/// <summary>segkit flows: label images to Cellpose flow fields (the training targets), as .npy [2, H, W] float32 [dY, dX].</summary>
internal static class FlowsCommand
{
    public const string Suffix = "_flows.npy";

    public static Command Create(CliConsole console)
    {
        var inputs = new Argument<string[]>("labels") { Arity = ArgumentArity.OneOrMore, Description = "Label images (0 = background) or folders of them." };
        var output = new Option<string>("--out", "-o") { Required = true, Description = $"Output folder; one <name>{Suffix} per label image." };
        var command = new Command("flows", "Compute Cellpose v3 flow fields (heat diffusion from each object's centre, unit gradients [dY, dX]) from label images.")
        {
            inputs, output,
        };
        command.SetAction(result =>
        {
            IReadOnlyList<string> files = InputFiles.Expand(result.GetValue(inputs)!);
            string outDir = result.GetValue(output)!;
            OutputFolder.Prepare(outDir);
            var counts = new List<string>();
            BatchProgress.Run(console, "flows", files, file =>
            {
                LabelImage labels = LabelImageFile.Read(file);
                FlowField flows = MaskFlows.Compute(labels);
                NpyFile.Write(Path.Combine(outDir, InputFiles.OutputStem(file) + Suffix), flows.Buffer, 2, flows.Height, flows.Width);
                counts.Add($"{Path.GetFileName(file)}: {labels.CountObjects()} objects");
            });
            foreach (string line in counts)
            {
                console.Out.WriteLine(line);
            }

            console.Out.WriteLine($"outputs in {Path.GetFullPath(outDir)}");
            return ExitCodes.Success;
        });
        return command;
    }
}

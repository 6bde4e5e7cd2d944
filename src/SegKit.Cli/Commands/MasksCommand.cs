using System.CommandLine;
using SegKit.Core;
using SegKit.Core.Dynamics;
using SegKit.Core.Flows;
using SegKit.Core.IO;
using SegKit.Imaging;

namespace SegKit.Cli.Commands;

/// <summary>
/// segkit masks: flows and cell probability (as a network outputs them) to masks, so post-processing can be
/// re-tuned without re-running the network, as Cellpose's GUI does from saved flows.
/// </summary>
internal static class MasksCommand
{
    public static Command Create(CliConsole console)
    {
        var defaults = DynamicsOptions.Default;
        var flows = new Option<string>("--flows") { Required = true, Description = "Network flows, .npy [2, H, W] float32 [dY, dX], 5x the unit flows (Cellpose's dP)." };
        var cellprob = new Option<string>("--cellprob") { Required = true, Description = "Cell probability logits, .npy [H, W]." };
        var output = new Option<string>("--out", "-o") { Required = true, Description = "Output label image (.tif or .png)." };
        var niter = new Option<int>("--niter") { DefaultValueFactory = _ => defaults.Niter, Description = "Flow-following steps." };
        var command = new Command("masks", "Compute masks from saved flows and cell probabilities (Cellpose dynamics).")
        {
            flows, cellprob, output, niter,
        };
        var cellpose = CellposeCommandOptions.ForDynamics(command);
        command.SetAction(result =>
        {
            if (result.GetValue(niter) < 0)
            {
                throw new CliUsageException("--niter must be zero or more");
            }

            DynamicsOptions options = cellpose.Dynamics(result, result.GetValue(niter));

            string flowsPath = result.GetValue(flows)!;
            string probPath = result.GetValue(cellprob)!;
            NpyArray dP = NpyFile.Read(flowsPath);
            NpyArray prob = NpyFile.Read(probPath);
            if (dP.Shape.Length != 3 || dP.Shape[0] != 2)
            {
                throw new ShapeMismatchException($"flows must have shape [2, H, W], not [{string.Join(", ", dP.Shape)}]", flowsPath);
            }

            if (prob.Shape.Length != 2 || prob.Shape[0] != dP.Shape[1] || prob.Shape[1] != dP.Shape[2])
            {
                throw new ShapeMismatchException($"cell probability has shape [{string.Join(", ", prob.Shape)}] but the flows are {dP.Shape[1]}x{dP.Shape[2]}", probPath);
            }

            FlowField field = FlowField.FromArray(dP.ToSingle(), dP.Shape);
            var masks = MaskReconstruction.Compute(field, prob.ToSingle(), options);
            string outPath = result.GetValue(output)!;
            string? dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
            OutputFolder.Prepare(dir!);
            LabelImageFile.Write(outPath, masks);
            console.Out.WriteLine($"{masks.MaxLabel} masks written to {outPath}");
            return ExitCodes.Success;
        });
        return command;
    }
}

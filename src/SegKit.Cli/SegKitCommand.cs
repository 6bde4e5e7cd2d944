using System.CommandLine;
using System.CommandLine.Help;
using SegKit.Cli.Commands;
using SegKit.Core;
using SegKit.Imaging;

namespace SegKit.Cli;

/// <summary>The root of the segkit command tree; maps failures to one-line messages and exit codes.</summary>
internal static class SegKitCommand
{
    public static int Run(string[] args) => Run(args, CliConsole.System);

    public static int Run(string[] args, CliConsole console)
    {
        var root = new RootCommand("SegKit: segmentation of microscopy images (Cellpose- and U-Net-style) in .NET.");
        VersionOption version = root.Options.OfType<VersionOption>().Single();
        version.Action = new VersionAction(console);
        root.Subcommands.Add(SegmentCommand.Create(console));
        root.Subcommands.Add(EvalCommand.Create(console));
        root.Subcommands.Add(FlowsCommand.Create(console));
        root.Subcommands.Add(MasksCommand.Create(console));
        root.Subcommands.Add(TrainCommand.Create(console));
        root.Subcommands.Add(ExportCommand.Create(console));
        root.Subcommands.Add(SizeModelCommand.Create(console));
        root.Subcommands.Add(ImportCommand.Create(console));
        root.Subcommands.Add(InfoCommand.Create(console));
        root.Subcommands.Add(ServeCommand.Create(console));
        root.Subcommands.Add(BatchCommand.Create(console));
        root.Subcommands.Add(SiloCommand.Create(console));

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                console.Error.WriteLine($"segkit: {error.Message}");
            }

            console.Error.WriteLine("Run 'segkit --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            // --help and --version need no native library; every command may read or write an image.
            if (parsed.Action is not (HelpAction or VersionAction))
            {
                // On a machine without GTK 3 this is where the user learns which package to install.
                OpenCvRuntime.EnsureAvailable();

                // OpenCV reports decoding problems on stderr as well as to us; SegKit turns them into one-line errors
                // that name the file, so OpenCV's own lines would only repeat them.
                OpenCvSharp.Cv2.SetLogLevel(OpenCvSharp.LogLevel.SILENT);
            }

            return parsed.Invoke(new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (CliUsageException e)
        {
            console.Error.WriteLine($"segkit: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (SegKitException e)
        {
            console.Error.WriteLine($"segkit: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"segkit: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}

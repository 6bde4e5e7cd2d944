using System.CommandLine;
using System.CommandLine.Invocation;

namespace SegKit.Cli;

/// <summary>Replaces System.CommandLine's --version, which prints SegKit's version alone, with <see cref="VersionReport"/>.</summary>
internal sealed class VersionAction(CliConsole console) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        foreach (string line in VersionReport.Lines())
        {
            console.Out.WriteLine(line);
        }

        return ExitCodes.Success;
    }
}

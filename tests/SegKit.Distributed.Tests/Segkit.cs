using SegKit.Cli;

namespace SegKit.Distributed.Tests;

/// <summary>The segkit command line, in-process, with its output captured.</summary>
internal static class Segkit
{
    public static (int ExitCode, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = SegKitCommand.Run(args, new CliConsole(output, error, interactive: false));
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>segkit.dll beside the test binaries (the project reference copies the tool and its models here).</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "segkit.dll");
}

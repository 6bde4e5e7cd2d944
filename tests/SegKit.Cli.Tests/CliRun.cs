namespace SegKit.Cli.Tests;

/// <summary>Runs segkit in-process with captured output, as a user would run it from a shell.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static CliRun Of(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = SegKitCommand.Run(args, new CliConsole(output, error, interactive: false));
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

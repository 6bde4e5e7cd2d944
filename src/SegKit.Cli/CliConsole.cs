namespace SegKit.Cli;

/// <summary>Where a command writes: standard output for results, standard error for progress and errors.</summary>
internal sealed class CliConsole(TextWriter output, TextWriter error, bool interactive)
{
    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>True when standard error is a terminal, so a live progress bar makes sense.</summary>
    public bool Interactive { get; } = interactive;

    public static CliConsole System { get; } = new(Console.Out, Console.Error, !Console.IsErrorRedirected);
}

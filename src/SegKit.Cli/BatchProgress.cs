using Spectre.Console;

namespace SegKit.Cli;

/// <summary>
/// Runs work over a batch of files with visible progress: a live bar on a terminal, one line per file when
/// standard error is redirected (logs, CI), so long batches never look hung.
/// </summary>
internal static class BatchProgress
{
    public static void Run(CliConsole console, string title, IReadOnlyList<string> items, Action<string> work)
    {
        if (!console.Interactive)
        {
            for (int i = 0; i < items.Count; i++)
            {
                console.Error.WriteLine($"[{i + 1}/{items.Count}] {title} {Path.GetFileName(items[i])}");
                work(items[i]);
            }

            return;
        }

        var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Error) });
        ansi.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: items.Count);
                foreach (string item in items)
                {
                    task.Description = $"{title} {Markup.Escape(Path.GetFileName(item))}";
                    work(item);
                    task.Increment(1);
                }

                task.Description = $"{title} {items.Count} file(s)";
            });
    }
}

namespace SegKit.Distributed;

/// <summary>One image of a job in its report.</summary>
/// <param name="Status">done, skipped (complete before this run), or failed.</param>
/// <param name="Objects">Objects found; null when not segmented in this run.</param>
/// <param name="Seconds">The silo's time for it (reading to label image in place); null when not segmented in this run.</param>
/// <param name="Silo">The silo that ran it; null when skipped or never run.</param>
/// <param name="Attempts">Calls made for it in this run (more than 1 means it was retried).</param>
public sealed record BatchReportEntry(string Input, string Status, int? Objects, double? Seconds, string? Silo, int Attempts, string? Error)
{
    public const string Done = "done";
    public const string Skipped = "skipped";
    public const string Failed = "failed";
}

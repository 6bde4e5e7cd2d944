using System.Text.Json;
using System.Text.Json.Serialization;
using SegKit.Core.IO;

namespace SegKit.Distributed;

/// <summary>What a run of a job did: every image (objects, seconds, silo, attempts), the retries, and the totals.</summary>
public sealed record BatchReport(string Manifest, string OutputFolder, IReadOnlyList<BatchReportEntry> Images, IReadOnlyList<BatchRetry> Retries, double Seconds)
{
    /// <summary>The report's file in the output folder, rewritten by every run of the job.</summary>
    public const string FileName = "segkit-batch-report.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public int Done => Images.Count(i => i.Status == BatchReportEntry.Done);

    public int Skipped => Images.Count(i => i.Status == BatchReportEntry.Skipped);

    public int Failed => Images.Count(i => i.Status == BatchReportEntry.Failed);

    public int Objects => Images.Where(i => i.Status == BatchReportEntry.Done).Sum(i => i.Objects ?? 0);

    /// <summary>Images segmented in this run per second of wall-clock time.</summary>
    public double ImagesPerSecond => Seconds > 0 ? Done / Seconds : 0;

    /// <summary>Images segmented per silo in this run.</summary>
    public IReadOnlyDictionary<string, int> PerSilo => Images.Where(i => i.Status == BatchReportEntry.Done && i.Silo is not null)
        .GroupBy(i => i.Silo!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    public string ToJson() => JsonSerializer.Serialize(new
    {
        Manifest,
        OutputFolder,
        Totals = new { Images = Images.Count, Done, Skipped, Failed, Objects, Retries = Retries.Count, Seconds, ImagesPerSecond, PerSilo },
        Images,
        Retries,
    }, Json);

    /// <summary>Writes the report into the output folder, atomically; returns its path.</summary>
    public string Write()
    {
        string path = Path.Combine(OutputFolder, FileName);
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(ToJson());
        AtomicFile.Write(path, s => s.Write(bytes));
        return path;
    }
}

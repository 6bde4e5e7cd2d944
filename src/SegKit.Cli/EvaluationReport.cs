using System.Text.Json;
using System.Text.Json.Serialization;

namespace SegKit.Cli;

/// <summary>
/// The JSON report of <c>segkit eval --json</c>. Other programs read it, so its shape is versioned by
/// <see cref="Schema"/>: fields may be added within a version, never renamed or removed. See docs/eval-report.md.
/// </summary>
internal sealed record EvaluationReport(
    [property: JsonPropertyName("schema")] string Schema,
    [property: JsonPropertyName("thresholds")] IReadOnlyList<double> Thresholds,
    [property: JsonPropertyName("images")] IReadOnlyList<EvaluationReportEntry> Images,
    [property: JsonPropertyName("total")] EvaluationReportEntry Total)
{
    /// <summary>U-Net models only: the foreground probability over thresholds (added within segkit.eval/1; absent otherwise).</summary>
    [JsonPropertyName("foreground_probability")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EvaluationReportSweep? ForegroundProbability { get; init; }

    public const string CurrentSchema = "segkit.eval/1";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Options);
}

using System.Text.Json.Serialization;

namespace SegKit.Cli;

/// <summary>One image of the report (or the data-set total, whose name is "total" and whose files are null).</summary>
internal sealed record EvaluationReportEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("truth_file")] string? TruthFile,
    [property: JsonPropertyName("prediction_file")] string? PredictionFile,
    [property: JsonPropertyName("truth_objects")] int TruthObjects,
    [property: JsonPropertyName("predicted_objects")] int PredictedObjects,
    [property: JsonPropertyName("per_threshold")] IReadOnlyList<EvaluationReportThreshold> PerThreshold,
    [property: JsonPropertyName("aggregated_jaccard")] double AggregatedJaccard,
    [property: JsonPropertyName("pixels")] EvaluationReportPixels Pixels);

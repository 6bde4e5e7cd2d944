using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Core.Metrics;

namespace SegKit.Build.Validator;

/// <summary>The JSON report of one validation run (schema segkit.build-validation/1): settings, per-image figures and the data-set totals.</summary>
internal static class ValidationReport
{
    public const string Schema = "segkit.build-validation/1";

    /// <summary>
    /// SHA-256 (lower-case hex) of a label image's labels as little-endian int32, row-major: the report names the exact
    /// masks the gate scored, so they can be compared with another tool's (segkit segment's TIFFs) without storing them.
    /// </summary>
    public static string Digest(LabelImage labels) =>
        Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(labels.Data)));

    public static void Write(ValidationRequest request, IReadOnlyList<(ValidationPair Pair, InstanceEvaluation Result, string Digest)> images, DatasetEvaluation total)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            ThresholdScores scores = total.Scores[0];
            json.WriteStartObject();
            json.WriteString("schema", Schema);
            json.WriteString("model", request.Model);
            json.WriteNumber("iouThreshold", request.IoUThreshold);
            json.WriteNumber("minimumAveragePrecision", request.Minimum);
            json.WriteBoolean("passed", scores.AveragePrecision >= request.Minimum);
            json.WriteStartArray("images");
            foreach (var (pair, result, digest) in images)
            {
                json.WriteStartObject();
                json.WriteString("name", pair.Name);
                json.WriteString("image", pair.Image);
                json.WriteString("mask", pair.Mask);
                Figures(json, result.TruthCount, result.PredictionCount, result.Scores[0], result.AggregatedJaccard);
                json.WriteString("predictedLabelsSha256", digest);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("total");
            json.WriteNumber("images", total.ImageCount);
            Figures(json, total.TruthCount, total.PredictionCount, scores, total.AggregatedJaccard);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        string? folder = Path.GetDirectoryName(Path.GetFullPath(request.Report));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        byte[] bytes = buffer.ToArray();
        AtomicFile.Write(request.Report, s => s.Write(bytes));
    }

    private static void Figures(Utf8JsonWriter json, int truth, int predicted, ThresholdScores scores, double aggregatedJaccard)
    {
        json.WriteNumber("truthObjects", truth);
        json.WriteNumber("predictedObjects", predicted);
        json.WriteNumber("truePositives", scores.TruePositives);
        json.WriteNumber("falsePositives", scores.FalsePositives);
        json.WriteNumber("falseNegatives", scores.FalseNegatives);
        json.WriteNumber("averagePrecision", scores.AveragePrecision);
        json.WriteNumber("aggregatedJaccard", aggregatedJaccard);
    }
}

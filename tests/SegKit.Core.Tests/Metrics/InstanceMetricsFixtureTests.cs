using System.Text.Json;
using SegKit.Core.Images;
using SegKit.Core.Metrics;

namespace SegKit.Core.Tests.Metrics;

/// <summary>Parity with Cellpose v3's average_precision and aggregated_jaccard_index on the stored fixtures.</summary>
public class InstanceMetricsFixtureTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string c in TestData.FixtureCases)
        {
            foreach (string pred in new[] { "pred_1", "pred_2", "pred_3" })
            {
                data.Add(c, pred);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matching_equals_cellpose(string name, string pred)
    {
        JsonElement expected = Manifest().GetProperty("cases").GetProperty(name).GetProperty("matching").GetProperty(pred);
        LabelImage truth = TestData.Labels($"{name}.labels.npy");
        LabelImage prediction = TestData.Labels($"{name}.{pred}.npy");

        InstanceEvaluation result = InstanceMetrics.Evaluate(truth, prediction);

        Assert.Equal([0.5, 0.75, 0.9], result.Thresholds);
        double[] ap = Doubles(expected.GetProperty("ap"));
        int[] tp = Ints(expected.GetProperty("tp"));
        int[] fp = Ints(expected.GetProperty("fp"));
        int[] fn = Ints(expected.GetProperty("fn"));
        for (int k = 0; k < 3; k++)
        {
            ThresholdScores s = result.Scores[k];
            Assert.Equal(tp[k], s.TruePositives);
            Assert.Equal(fp[k], s.FalsePositives);
            Assert.Equal(fn[k], s.FalseNegatives);
            Assert.Equal(ap[k], s.AveragePrecision);
        }

        int[] shape = Ints(expected.GetProperty("iou_shape"));
        Assert.Equal(shape[0], result.Overlap.TruthMaxLabel);
        Assert.Equal(shape[1], result.Overlap.PredictionMaxLabel);
        Assert.Equal(expected.GetProperty("pred_objects").GetInt32(), result.PredictionCount);
        AssertRelative(expected.GetProperty("iou_sum").GetDouble(), result.Overlap.IoUSum, 1e-9);
        AssertRelative(expected.GetProperty("aji").GetDouble(), result.AggregatedJaccard, 1e-9);
    }

    [Theory]
    [InlineData("recovered")]
    [InlineData("noisy_recovered")]
    public void Recovered_masks_score_as_in_the_manifest(string which)
    {
        foreach (string name in TestData.FixtureCases)
        {
            JsonElement expected = Manifest().GetProperty("cases").GetProperty(name).GetProperty($"{which}_vs_labels");
            InstanceEvaluation result = InstanceMetrics.Evaluate(TestData.Labels($"{name}.labels.npy"), TestData.Labels($"{name}.{which}.npy"));
            Assert.Equal(Ints(expected.GetProperty("tp")), result.Scores.Select(s => s.TruePositives));
            Assert.Equal(Ints(expected.GetProperty("fp")), result.Scores.Select(s => s.FalsePositives));
            Assert.Equal(Ints(expected.GetProperty("fn")), result.Scores.Select(s => s.FalseNegatives));
            Assert.Equal(Doubles(expected.GetProperty("ap")), result.Scores.Select(s => s.AveragePrecision));
        }
    }

    private static JsonElement Manifest() => ManifestCache.Value.RootElement;

    private static readonly Lazy<JsonDocument> ManifestCache = new(() => JsonDocument.Parse(File.ReadAllText(TestData.ManifestPath)));

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    // Cellpose returns counts as float32 arrays; the manifest may write them as 3 or 3.0.
    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => checked((int)e.GetDouble())).ToArray();

    private static void AssertRelative(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Max(Math.Abs(expected), 1e-300), $"expected {expected:R}, got {actual:R}");
}

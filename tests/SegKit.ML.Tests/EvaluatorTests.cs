using System.Reflection;
using System.Text.Json;
using Microsoft.ML;
using SegKit.Core.Images;
using SegKit.Imaging;
using SegKit.ML.Evaluation;

namespace SegKit.ML.Tests;

public class EvaluatorTests
{
    private static readonly double[] Thresholds = [0.5, 0.6, 0.75, 0.9];

    private readonly TestModels _models = TestModels.Shared;

    [Fact]
    public void Evaluate_equals_segkit_eval_to_the_last_digit()
    {
        var ml = new MLContext(seed: 0);
        var model = ml.Transforms.SegmentCells(_models.Cellpose).Fit(Segmentations.Paths(ml, []));
        var images = ImageFile.ListImages(_models.SyntheticImages).Concat(ImageFile.ListImages(TestModels.SampleImages)).ToList();
        var truths = images.Select(TruthOf).ToList();
        var rows = images.Zip(truths, (image, truth) => new LabelledImage { ImagePath = image, Label = truth }).ToList();
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        SegmentationMetrics metrics = ml.Segmentation().Evaluate(scored, "Label", Columns.Masks, Thresholds);

        // segkit eval on the same masks, written as files, through the CLI's own code path.
        string predictions = TestModels.NewTempFolder();
        string truthFolder = TestModels.NewTempFolder();
        var cells = ml.Data.CreateEnumerable<SegmentedCells>(scored, false).ToList();
        for (int i = 0; i < images.Count; i++)
        {
            string name = $"img{i:00}";
            LabelImageFile.Write(Path.Combine(predictions, $"{name}_masks.tif"), cells[i].ToLabelImage()!);
            File.Copy(truths[i], Path.Combine(truthFolder, $"{name}.png"));
        }

        string json = Path.Combine(predictions, "eval.json");
        int exit = RunCli(["eval", "--pred", predictions, "--truth", truthFolder, "--out", predictions, "--json", json, "--thresholds", .. Thresholds.Select(t => t.ToString("R", System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal(0, exit);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement total = report.RootElement.GetProperty("total");
        Assert.Equal(total.GetProperty("truth_objects").GetInt32(), metrics.TruthObjects);
        Assert.Equal(total.GetProperty("predicted_objects").GetInt32(), metrics.PredictedObjects);
        Assert.Equal(total.GetProperty("aggregated_jaccard").GetDouble(), metrics.AggregatedJaccard);
        AssertSameThresholds(total.GetProperty("per_threshold"), metrics.PerThreshold);
        var perImage = report.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(images.Count, perImage.Count);
        for (int i = 0; i < images.Count; i++)
        {
            Assert.Equal(perImage[i].GetProperty("aggregated_jaccard").GetDouble(), metrics.PerImage[i].AggregatedJaccard);
            AssertSameThresholds(perImage[i].GetProperty("per_threshold"), metrics.PerImage[i].PerThreshold);
        }

        Assert.True(metrics.At(0.5).TruePositives > 0, "the model finds objects, so the comparison is not between zeros");
        Assert.InRange(metrics.Pixels.ForegroundDice, 0.01, 1);
    }

    [Fact]
    public void Labels_given_as_vectors_score_as_label_files_do()
    {
        var ml = new MLContext(seed: 0);
        var truthFiles = ImageFile.ListImages(_models.SyntheticMasks);
        var rows = truthFiles.Select(f =>
        {
            LabelImage t = LabelImageFile.Read(f);
            // The prediction: the truth with object 1 removed, so one false negative per image and no false positive.
            int[] predicted = t.Buffer.Select(v => v == 1 ? 0 : v).ToArray();
            return new VectorRow { Label = t.Buffer, LabelPath = f, Masks = predicted, MaskHeight = t.Height, MaskWidth = t.Width };
        }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var byVector = ml.Segmentation().Evaluate(data, "Label");
        var byPath = ml.Segmentation().Evaluate(data, "LabelPath");
        Assert.Equal(byPath.PerThreshold, byVector.PerThreshold);
        int truthObjects = rows.Sum(r => new LabelImage(r.MaskHeight, r.MaskWidth, r.Label).CountObjects());
        Assert.Equal(truthObjects, byVector.TruthObjects);
        Assert.Equal(rows.Count, byVector.At(0.5).FalseNegatives);
        Assert.Equal(truthObjects - rows.Count, byVector.At(0.5).TruePositives);
        Assert.Equal(0, byVector.At(0.5).FalsePositives);
        Assert.Equal((double)(truthObjects - rows.Count) / truthObjects, byVector.At(0.5).Recall, 12);
    }

    private static void AssertSameThresholds(JsonElement cli, IReadOnlyList<ThresholdMetrics> ours)
    {
        var list = cli.EnumerateArray().ToList();
        Assert.Equal(list.Count, ours.Count);
        for (int k = 0; k < list.Count; k++)
        {
            JsonElement e = list[k];
            ThresholdMetrics m = ours[k];
            Assert.Equal(e.GetProperty("threshold").GetDouble(), m.Threshold);
            Assert.Equal(e.GetProperty("tp").GetInt32(), m.TruePositives);
            Assert.Equal(e.GetProperty("fp").GetInt32(), m.FalsePositives);
            Assert.Equal(e.GetProperty("fn").GetInt32(), m.FalseNegatives);
            Assert.Equal(e.GetProperty("average_precision").GetDouble(), m.AveragePrecision);
            Assert.Equal(e.GetProperty("precision").GetDouble(), m.Precision);
            Assert.Equal(e.GetProperty("recall").GetDouble(), m.Recall);
            Assert.Equal(e.GetProperty("f1").GetDouble(), m.F1);
            Assert.Equal(e.GetProperty("mean_matched_iou").GetDouble(), m.MeanMatchedIoU);
        }
    }

    private string TruthOf(string image)
    {
        string synthetic = Path.Combine(_models.SyntheticMasks, Path.GetFileName(image));
        return File.Exists(synthetic) ? synthetic : Path.Combine(TestModels.SampleMasks, Path.GetFileName(image));
    }

    /// <summary>segkit's own entry point, in this process (the CLI's types are internal to it).</summary>
    private static int RunCli(string[] args)
    {
        Type command = Assembly.Load("segkit").GetType("SegKit.Cli.SegKitCommand", throwOnError: true)!;
        MethodInfo run = command.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .Single(m => m.Name == "Run" && m.GetParameters().Length == 1);
        return (int)run.Invoke(null, [args])!;
    }

    public sealed class LabelledImage
    {
        public string ImagePath { get; set; } = string.Empty;

        public string Label { get; set; } = string.Empty;
    }

    public sealed class VectorRow
    {
        public int[] Label { get; set; } = [];

        public string LabelPath { get; set; } = string.Empty;

        public int[] Masks { get; set; } = [];

        public int MaskHeight { get; set; }

        public int MaskWidth { get; set; }
    }
}

using SegKit.Core.IO;
using SegKit.Imaging;
using SegKit.Onnx;
using SegKit.Testing;

namespace SegKit.Cli.Tests;

public class ModelWorkflowTests
{
    [Fact]
    public void Train_export_inspect_and_segment_with_the_model()
    {
        string data = SyntheticData.Write(images: 4, size: 64, seed: 1);
        string run = Repo.NewTempDir();
        var train = CliRun.Of("train", "--train", data, "--val", data, "--out", run, "--epochs", "60", "--batch-size", "4",
            "--patch-size", "64", "--widths", "8,16,32,64", "--model-diameter", "13", "--learning-rate", "0.01", "--seed", "3", "--validate-every", "60");
        Assert.True(train.ExitCode == 0, train.ToString());

        string model = Path.Combine(run, "model.onnx");
        var export = CliRun.Of("export", Path.Combine(run, "best.ckpt"), "--out", model, "--training-data", "synthetic discs");
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("max difference", export.Out);

        var info = CliRun.Of("info", model);
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("Cellpose", info.Out);
        Assert.Contains("synthetic discs", info.Out);
        Assert.Contains("image Float [N, 2, H, W]", info.Out);

        string outDir = Repo.NewTempDir();
        var segment = CliRun.Of("segment", Path.Combine(data, "images"), "--out", outDir, "--model", model);
        Assert.True(segment.ExitCode == 0, segment.ToString());
        var labels = LabelImageFile.Read(Path.Combine(outDir, "img0_masks.tif"));
        Assert.InRange(labels.MaxLabel, 2, 8);

        var eval = CliRun.Of("eval", "--pred", outDir, "--truth", Path.Combine(data, "masks"), "--json", Path.Combine(outDir, "e.json"));
        Assert.Equal(0, eval.ExitCode);

        // Segment-and-score in one step gives the same report.
        string direct = Repo.NewTempDir();
        var evalModel = CliRun.Of("eval", "--model", model, "--images", Path.Combine(data, "images"), "--masks", Path.Combine(data, "masks"), "--out", direct, "--json", Path.Combine(direct, "e.json"));
        Assert.True(evalModel.ExitCode == 0, evalModel.ToString());
        Assert.Equal(TotalLine(File.ReadAllLines(Path.Combine(outDir, "eval_per_image.csv"))), TotalLine(File.ReadAllLines(Path.Combine(direct, "eval_per_image.csv"))));
        Assert.Equal(2, CliRun.Of("eval", "--model", model, "--masks", Path.Combine(data, "masks")).ExitCode);

        FineTuningStartsFromTheModelAndExportTakesMetrics(data, model);
        FlowsAreSavedOnRequest(data, model);
        ACardlessModelRunsWithKind(data, model);
        AModelReadingAMissingChannelIsRefusedPerImage(data, model);
    }

    private static void FineTuningStartsFromTheModelAndExportTakesMetrics(string data, string model)
    {
        // One epoch at a tiny learning rate: a fresh network finds nothing, one started from the model keeps its AP.
        string run = Repo.NewTempDir();
        var tune = CliRun.Of("train", "--train", data, "--val", data, "--out", run, "--epochs", "1", "--batch-size", "4",
            "--patch-size", "64", "--widths", "8,16,32,64", "--model-diameter", "13", "--learning-rate", "0.00001", "--seed", "3", "--init", model);
        Assert.True(tune.ExitCode == 0, tune.ToString());
        Assert.Contains("starting from the weights of", tune.Error);
        Assert.Matches(@"best AP@0\.5 0\.[5-9]\d\d|best AP@0\.5 1\.000", tune.Out);

        // Resumed, the run carries its own weights: --init is named as unused, not reported as the start.
        var resumed = CliRun.Of("train", "--train", data, "--out", run, "--epochs", "2", "--batch-size", "4", "--patch-size", "64",
            "--widths", "8,16,32,64", "--model-diameter", "13", "--learning-rate", "0.00001", "--seed", "3", "--init", model, "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains($"resuming from {Path.Combine(run, "last.ckpt")} after epoch 1 (--init {model} is not used)", resumed.Error);
        Assert.DoesNotContain("starting from the weights of", resumed.Error);

        string tuned = Path.Combine(run, "tuned.onnx");
        var export = CliRun.Of("export", Path.Combine(run, "best.ckpt"), "--out", tuned, "--metric", "ap@0.5=0.625", "--metric", "pixel_accuracy=0.9");
        Assert.True(export.ExitCode == 0, export.ToString());
        ModelCard card = ModelCard.ReadFile(tuned);
        Assert.Equal(0.625, card.ValidationMetrics["ap@0.5"]);
        Assert.Equal(0.9, card.ValidationMetrics["pixel_accuracy"]);
        Assert.True(card.ValidationMetrics.ContainsKey("ap50"));
        Assert.Equal(2, CliRun.Of("export", Path.Combine(run, "best.ckpt"), "--out", tuned, "--metric", "ap=high").ExitCode);
    }

    private static void FlowsAreSavedOnRequest(string data, string model)
    {
        string outDir = Repo.NewTempDir();
        var run = CliRun.Of("segment", Path.Combine(data, "images", "img0.png"), "--out", outDir, "--model", model, "--save-flows", "--diameter", "13");
        Assert.True(run.ExitCode == 0, run.ToString());
        var flows = NpyFile.Read(Path.Combine(outDir, "img0_flows.npy"));
        var probability = NpyFile.Read(Path.Combine(outDir, "img0_cellprob.npy"));
        Assert.Equal(new[] { 2, 64, 64 }, flows.Shape);
        Assert.Equal(new[] { 64, 64 }, probability.Shape);
        Assert.Contains(flows.ToSingle(), v => Math.Abs(v) > 0.1f);
        Assert.Matches(@"img0\.png: \d+ objects in \d+\.\d\d s, at diameter 13\.0 px", run.Out);
        Assert.Matches(@"1 image\(s\), \d+ objects in \d+\.\d\d s", run.Out);
    }

    private static void ACardlessModelRunsWithKind(string data, string model)
    {
        OnnxModel onnx = OnnxReader.ReadFile(model);
        onnx.Metadata.Clear();
        string bare = Path.Combine(Repo.NewTempDir(), "bare.onnx");
        OnnxWriter.WriteFile(bare, onnx);
        string image = Path.Combine(data, "images", "img0.png");

        var refused = CliRun.Of("segment", image, "--out", Repo.NewTempDir(), "--model", bare);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("bare.onnx", refused.Error);
        Assert.Contains("card", refused.Error);

        string withCard = Repo.NewTempDir();
        string withKind = Repo.NewTempDir();
        Assert.Equal(0, CliRun.Of("segment", image, "--out", withCard, "--model", model, "--diameter", "13").ExitCode);
        var run = CliRun.Of("segment", image, "--out", withKind, "--model", bare, "--kind", "cellpose", "--model-diameter", "13", "--diameter", "13");
        Assert.True(run.ExitCode == 0, run.ToString());
        // Same network and diameter; only the tiling differs (the card's training patch size vs the override's 224).
        var cardMasks = LabelImageFile.Read(Path.Combine(withCard, "img0_masks.tif"));
        var kindMasks = LabelImageFile.Read(Path.Combine(withKind, "img0_masks.tif"));
        Assert.Equal(cardMasks.MaxLabel, kindMasks.MaxLabel);
        int agree = cardMasks.Buffer.Zip(kindMasks.Buffer).Count(p => (p.First > 0) == (p.Second > 0));
        Assert.True(agree > 0.98 * cardMasks.Buffer.Length, $"{agree} of {cardMasks.Buffer.Length} pixels agree");
    }

    private static void AModelReadingAMissingChannelIsRefusedPerImage(string data, string model)
    {
        string outDir = Repo.NewTempDir();
        var run = CliRun.Of("segment", Path.Combine(data, "images", "img0.png"), "--out", outDir, "--model", model, "--channels", "2,3");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("img0.png: has 1 channel(s) but the model reads green", run.Error);
        Assert.Empty(Directory.GetFiles(outDir));
    }

    /// <summary>The data-set row of a per-image CSV without its file columns.</summary>
    private static string TotalLine(string[] csv)
    {
        string[] fields = csv[^1].Split(',');
        return string.Join(',', fields.Skip(3));
    }

    [Fact]
    public void Models_and_checkpoints_that_cannot_be_used_are_named()
    {
        string dir = Repo.NewTempDir();
        string bogus = Path.Combine(dir, "bogus.ckpt");
        File.WriteAllText(bogus, "not a checkpoint");
        var export = CliRun.Of("export", bogus, "--out", Path.Combine(dir, "m.onnx"));
        Assert.Equal(1, export.ExitCode);
        Assert.Contains("bogus.ckpt", export.Error);
        Assert.False(File.Exists(Path.Combine(dir, "m.onnx")));

        string broken = Path.Combine(dir, "broken.onnx");
        File.WriteAllBytes(broken, [1, 2, 3, 4]);
        var segment = CliRun.Of("segment", Repo.SampleImages, "--out", Repo.NewTempDir(), "--model", broken);
        Assert.Equal(1, segment.ExitCode);
        Assert.Contains("broken.onnx", segment.Error);
    }
}

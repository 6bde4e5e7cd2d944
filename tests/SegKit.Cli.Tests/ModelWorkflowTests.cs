using SegKit.Imaging;
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
            "--patch-size", "64", "--widths", "8,16,32,64", "--diameter", "13", "--learning-rate", "0.01", "--seed", "3", "--validate-every", "60");
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

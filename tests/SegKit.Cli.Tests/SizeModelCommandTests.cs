using SegKit.Onnx;

namespace SegKit.Cli.Tests;

public class SizeModelCommandTests
{
    private static string SampleFolder => Path.Combine(Repo.Root, "models", "samples");

    [Fact]
    public void Fits_stores_the_size_model_in_the_card_and_reports_the_validation_error()
    {
        string output = Path.Combine(Repo.NewTempDir(), "sized.onnx");
        byte[] shipped = File.ReadAllBytes(Path.Combine(Repo.Root, "models", "nuclei.onnx"));
        var run = CliRun.Of("size-model", "--model", Path.Combine(Repo.Root, "models", "nuclei.onnx"), "--train", SampleFolder, "--val", SampleFolder,
            "--scales", "3", "--regularization", "1,0.001", "--out", output);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("styles of 6 resampled images", run.Out);
        Assert.Contains("penalty 0.001", run.Out);
        Assert.Contains("median relative error of the diameter estimate", run.Out);
        SizeModelParameters size = ModelCard.ReadFile(output).SizeModel!;
        Assert.Equal((ModelCard.ReadFile(Path.Combine(Repo.Root, "models", "nuclei.onnx")).SizeModel!.Coefficients.Count, 6), (size.Coefficients.Count, size.Samples));

        // --out leaves the given model untouched; the fitted one segments.
        Assert.Equal(shipped, File.ReadAllBytes(Path.Combine(Repo.Root, "models", "nuclei.onnx")));
        var segment = CliRun.Of("segment", Path.Combine(SampleFolder, "images", "dsb_4be73d68.png"), "--model", output, "--out", Repo.NewTempDir());
        Assert.True(segment.ExitCode == 0, segment.ToString());
    }

    [Fact]
    public void Refine_is_stored_in_the_card_and_reports_the_diameters_the_model_then_runs_at()
    {
        string output = Path.Combine(Repo.NewTempDir(), "refined.onnx");
        var run = CliRun.Of("size-model", "--model", Path.Combine(Repo.Root, "models", "nuclei.onnx"), "--train", SampleFolder, "--val", SampleFolder,
            "--scales", "2", "--refine", "--out", output);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(ModelCard.ReadFile(output).SizeModel!.Refine);
        Assert.Contains("image  true  refined", run.Out);
        Assert.Contains("dsb_4be73d68", run.Out);
        Assert.Contains("median relative error of the refined diameter", run.Out);
        Assert.False(ModelCard.ReadFile(Path.Combine(Repo.Root, "models", "nuclei.onnx")).SizeModel!.Refine);

        // segment --refine-diameter asks for it with a card that does not, and "false" turns a card's off.
        var segment = CliRun.Of("segment", Path.Combine(SampleFolder, "images", "dsb_4be73d68.png"), "--refine-diameter", "--out", Repo.NewTempDir());
        Assert.True(segment.ExitCode == 0, segment.ToString());
        Assert.Contains("at diameter", segment.Out);
        var off = CliRun.Of("segment", Path.Combine(SampleFolder, "images", "dsb_4be73d68.png"), "--model", output, "--refine-diameter", "false", "--out", Repo.NewTempDir());
        Assert.True(off.ExitCode == 0, off.ToString());
        Assert.Equal(2, CliRun.Of("segment", Path.Combine(SampleFolder, "images", "dsb_4be73d68.png"), "--refine-diameter", "maybe", "--out", Repo.NewTempDir()).ExitCode);
    }

    [Fact]
    public void A_unet_or_a_bad_penalty_is_a_usage_error()
    {
        var unet = CliRun.Of("size-model", "--model", Path.Combine(Repo.Root, "models", "membranes.onnx"), "--train", SampleFolder);
        Assert.Equal(2, unet.ExitCode);
        Assert.Contains("Cellpose", unet.Error);

        var penalty = CliRun.Of("size-model", "--model", Path.Combine(Repo.Root, "models", "nuclei.onnx"), "--train", SampleFolder, "--regularization", "0");
        Assert.Equal(2, penalty.ExitCode);
        Assert.Contains("--regularization", penalty.Error);
        Assert.Equal(2, CliRun.Of("size-model", "--model", Path.Combine(Repo.Root, "models", "nuclei.onnx"), "--train", SampleFolder, "--regularization", "1,0.1").ExitCode);
    }

    [Fact]
    public void The_diameters_the_images_are_resampled_to_can_be_set_and_bad_ones_are_refused()
    {
        string nuclei = Path.Combine(Repo.Root, "models", "nuclei.onnx");
        var run = CliRun.Of("size-model", "--model", nuclei, "--train", SampleFolder, "--scales", "2", "--diameters", "12,45", "--out", Path.Combine(Repo.NewTempDir(), "sized.onnx"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("resampled to object diameters of 12-45 px (model: 17 px)", run.Out);
        var byDefault = CliRun.Of("size-model", "--model", nuclei, "--train", SampleFolder, "--scales", "1", "--out", Path.Combine(Repo.NewTempDir(), "sized.onnx"));
        Assert.Contains("resampled to object diameters of 5.7-34 px (model: 17 px)", byDefault.Out);

        foreach (string bad in new[] { "45,12", "0,10", "12", "a,b" })
        {
            var refused = CliRun.Of("size-model", "--model", nuclei, "--train", SampleFolder, "--diameters", bad);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("--diameters takes MIN,MAX", refused.Error);
        }
    }
}

namespace SegKit.Cli.Tests;

public class InfoCommandTests
{
    [Fact]
    public void Describes_an_image()
    {
        var run = CliRun.Of("info", Path.Combine(Repo.SampleImages, "dsb_4be73d68.png"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("256 x 256", run.Out);
        Assert.Contains("PNG", run.Out);
    }

    [Fact]
    public void Prints_a_models_card_and_whether_it_has_a_size_model()
    {
        var run = CliRun.Of("info", Path.Combine(Repo.Root, "models", "nuclei.onnx"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"kind +Cellpose", run.Out);
        Assert.Matches(@"size model +fitted on 2940 styles", run.Out);
        Assert.Matches(@"diameter +17 px", run.Out);

        // The membrane U-Net has no diameter to estimate, so no size-model line.
        var unet = CliRun.Of("info", Path.Combine(Repo.Root, "models", "membranes.onnx"));
        Assert.True(unet.ExitCode == 0, unet.ToString());
        Assert.DoesNotContain("size model", unet.Out);
    }

    [Fact]
    public void Counts_objects_of_a_label_image()
    {
        var run = CliRun.Of("info", Path.Combine(Repo.SampleMasks, "dsb_912a679e.png"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("78 distinct non-zero", run.Out);
    }

    [Fact]
    public void Describes_an_npy_array()
    {
        string dir = Repo.NewTempDir();
        string path = Path.Combine(dir, "a.npy");
        Core.IO.NpyFile.Write(path, new float[] { 1, float.NaN, 3, 4, 5, 6 }, 2, 3);
        var run = CliRun.Of("info", path);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("[2, 3]", run.Out);
        Assert.Contains("<f4", run.Out);
        Assert.Contains("1 value(s) are NaN", run.Out);
    }

    [Fact]
    public void A_truncated_image_fails_with_its_name()
    {
        string dir = Repo.NewTempDir();
        string path = Path.Combine(dir, "cut.png");
        byte[] bytes = File.ReadAllBytes(Path.Combine(Repo.SampleImages, "dsb_4be73d68.png"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var run = CliRun.Of("info", path);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cut.png", run.Error);
    }
}

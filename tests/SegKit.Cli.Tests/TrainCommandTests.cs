using System.Globalization;
using System.Text.RegularExpressions;
using SegKit.Core.Images;
using SegKit.Imaging;
using SegKit.Onnx;

namespace SegKit.Cli.Tests;

public class TrainCommandTests
{
    /// <summary>Two 64x64 synthetic images (bright squares on dark) with masks, in the images/ + masks/ layout.</summary>
    private static string WriteData()
    {
        string root = Repo.NewTempDir();
        Directory.CreateDirectory(Path.Combine(root, "images"));
        Directory.CreateDirectory(Path.Combine(root, "masks"));
        for (int n = 0; n < 2; n++)
        {
            var image = new LabelImage(64, 64);
            var mask = new LabelImage(64, 64);
            for (int y = 0; y < 64; y++)
            {
                for (int x = 0; x < 64; x++)
                {
                    int label = (y / 20 % 2 == 1 && x / 20 % 2 == 1) ? 1 + (x / 40) : 0;
                    mask[y, x] = label;
                    image[y, x] = label > 0 ? 200 : 20 + ((x * 7) + (y * 3) + n) % 20;
                }
            }

            LabelImageFile.Write(Path.Combine(root, "images", $"i{n}.png"), image);
            LabelImageFile.Write(Path.Combine(root, "masks", $"i{n}.png"), mask.Renumber());
        }

        return root;
    }

    [Theory]
    [InlineData("cellpose")]
    [InlineData("unet")]
    public void Trains_briefly_and_writes_checkpoints_log_and_plots(string kind)
    {
        string data = WriteData();
        string output = Repo.NewTempDir();
        string[] elastic = kind == "unet" ? ["--elastic", "8", "--select", "pixel-accuracy"] : [];
        var run = CliRun.Of(["train", "--kind", kind, "--train", data, "--val", data, "--out", output, "--epochs", "2",
            "--batch-size", "2", "--patch-size", "64", "--widths", "8,16,32", "--model-diameter", "20", .. elastic]);
        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (string file in new[] { "last.ckpt", "best.ckpt", "training_log.csv", "loss.png", "validation.png" })
        {
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} missing\n{run}");
        }

        Assert.Contains("epoch 2/2", run.Error);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(output, "training_log.csv")).Length);
        Assert.Contains(kind == "unet" ? "(best pixel accuracy " : "(best AP@0.5 ", run.Out);
    }

    [Fact]
    public void Forced_bf16_on_a_cpu_without_native_bf16_is_warned_about()
    {
        string data = WriteData();
        var run = CliRun.Of(["train", "--train", data, "--out", Repo.NewTempDir(), "--epochs", "1", "--batch-size", "2",
            "--patch-size", "64", "--widths", "8,16,32", "--model-diameter", "20", "--precision", "bf16"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("precision: bf16 steps", run.Error);

        // Both answers are checked on the machine that runs the test: the warning appears exactly where bf16 is emulated.
        Assert.Equal(!SegKit.Training.Training.NativeBFloat16.IsSupported, run.Error.Contains("no native bfloat16", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_training_options_are_usage_errors()
    {
        string data = WriteData();
        var run = CliRun.Of("train", "--train", data, "--out", Repo.NewTempDir(), "--patch-size", "50");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("multiple of 16", run.Error);
        Assert.Equal(2, CliRun.Of("train", "--train", data, "--out", Repo.NewTempDir(), "--widths", "a,b").ExitCode);
        var elastic = CliRun.Of("train", "--kind", "unet", "--train", data, "--out", Repo.NewTempDir(), "--elastic", "-3");
        Assert.Equal(2, elastic.ExitCode);
        Assert.Contains("elastic displacement must be a finite number of pixels >= 0", elastic.Error);
        var select = CliRun.Of("train", "--train", data, "--out", Repo.NewTempDir(), "--select", "pixel-accuracy");
        Assert.Equal(2, select.ExitCode);
        Assert.Contains("selecting on pixel accuracy is for U-Nets", select.Error);
        Assert.Equal(2, CliRun.Of("train", "--kind", "unet", "--train", data, "--out", Repo.NewTempDir(), "--select", "dice").ExitCode);
    }

    [Fact]
    public void A_folder_without_masks_is_reported()
    {
        string data = WriteData();
        Directory.Delete(Path.Combine(data, "masks"), true);
        var run = CliRun.Of("train", "--train", data, "--out", Repo.NewTempDir(), "--epochs", "1");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("images/ and masks/", run.Error);
    }

    [Fact]
    public void Several_training_folders_with_weights_an_exclusion_list_and_a_flow_cache()
    {
        string a = WriteData();
        string b = WriteData();
        string exclude = Path.Combine(Repo.NewTempDir(), "holdout.txt");
        File.WriteAllLines(exclude, ["# held out", "i1", string.Empty]);
        string cache = Repo.NewTempDir();
        string output = Repo.NewTempDir();
        var run = CliRun.Of("train", "--train", a + ":3", "--train", b, "--exclude", exclude, "--samples-per-epoch", "4", "--flow-cache", cache,
            "--out", output, "--epochs", "1", "--batch-size", "2", "--patch-size", "64", "--widths", "8,16,32", "--model-diameter", "20");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("1 image(s), weight 3", run.Error);
        Assert.Contains("2 training image(s)", run.Error);
        Assert.Contains("resident memory", run.Error);
        // Every mask WriteData makes has the same content, so one cache entry serves all three images.
        Assert.Single(Directory.GetFiles(cache, "*.npy"));
    }

    [Theory]
    [InlineData(":abc", "the weight 'abc' is not a positive number")]
    [InlineData(":0", "the weight '0' is not a positive number")]
    [InlineData(":-2", "the weight '-2' is not a positive number")]
    public void A_weight_that_is_not_a_positive_number_is_a_usage_error(string suffix, string message)
    {
        string data = WriteData();
        var run = CliRun.Of("train", "--train", data + suffix, "--out", Repo.NewTempDir(), "--epochs", "1");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public void Validation_runs_at_the_given_flow_threshold_and_the_export_records_it()
    {
        // The shipped nuclei model on the two sample images at a rate that leaves it as it is: which masks validation
        // keeps depends on the flow threshold, so the run that keeps every mask scores differently.
        string samples = Path.Combine(Repo.Root, "models", "samples");
        string[] common = ["train", "--train", samples, "--val", samples, "--init", Path.Combine(Repo.Root, "models", "nuclei.onnx"),
            "--widths", "24,48,96,192", "--model-diameter", "17", "--auto-invert", "--epochs", "1", "--batch-size", "2",
            "--patch-size", "224", "--learning-rate", "0.000000001", "--flow-cache", "none", "--seed", "1"];
        string cellposeDefault = Repo.NewTempDir();
        string keepAll = Repo.NewTempDir();
        var atDefault = CliRun.Of([.. common, "--out", cellposeDefault]);
        var atZero = CliRun.Of([.. common, "--out", keepAll, "--flow-threshold", "0"]);
        Assert.True(atDefault.ExitCode == 0, atDefault.ToString());
        Assert.True(atZero.ExitCode == 0, atZero.ToString());
        Assert.NotEqual(BestAp(atDefault.Out), BestAp(atZero.Out));

        string exported = Path.Combine(keepAll, "m.onnx");
        Assert.Equal(0, CliRun.Of("export", Path.Combine(keepAll, "best.ckpt"), "--out", exported).ExitCode);
        Assert.Equal(0.0, ModelCard.ReadFile(exported).FlowThreshold);
        string plain = Path.Combine(cellposeDefault, "m.onnx");
        Assert.Equal(0, CliRun.Of("export", Path.Combine(cellposeDefault, "best.ckpt"), "--out", plain).ExitCode);
        Assert.Null(ModelCard.ReadFile(plain).FlowThreshold);

        // Resumed at another threshold, the best figure so far would be compared with another measure's.
        string last = Path.Combine(keepAll, "last.ckpt");
        byte[] before = File.ReadAllBytes(last);
        var resumed = CliRun.Of([.. common, "--out", keepAll, "--resume"]);
        Assert.Equal(1, resumed.ExitCode);
        Assert.Contains("this run validates at flow threshold 0;", resumed.Error);
        Assert.Contains("last.ckpt", resumed.Error);
        Assert.Equal(before, File.ReadAllBytes(last));

        var negative = CliRun.Of([.. common, "--out", Repo.NewTempDir(), "--flow-threshold", "-1"]);
        Assert.Equal(2, negative.ExitCode);
        Assert.Contains("segkit: the flow threshold must be a finite number >= 0 (0 keeps every mask)\n", negative.Error.ReplaceLineEndings("\n"));
        var unet = CliRun.Of("train", "--kind", "unet", "--train", samples, "--out", Repo.NewTempDir(), "--flow-threshold", "1");
        Assert.Equal(2, unet.ExitCode);
        Assert.Contains("a U-Net has no flows", unet.Error);
    }

    [Fact]
    public void The_weight_average_is_written_named_and_exported()
    {
        string data = WriteData();
        string output = Repo.NewTempDir();
        string[] common = ["train", "--train", data, "--out", output, "--epochs", "3", "--batch-size", "2", "--patch-size", "64",
            "--widths", "8,16,32", "--model-diameter", "20", "--flow-cache", "none"];
        var run = CliRun.Of([.. common, "--average-from", "2"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        string average = Path.Combine(output, "average.ckpt");
        Assert.Contains($"weight average of epochs 2 to 3: {average}", run.Out);
        var export = CliRun.Of("export", average, "--out", Path.Combine(output, "average.onnx"));
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Equal("unspecified; 3 epochs, seed 0", ModelCard.ReadFile(Path.Combine(output, "average.onnx")).TrainingData);

        var outside = CliRun.Of([.. common.Select(a => a == output ? Repo.NewTempDir() : a), "--average-from", "4"]);
        Assert.Equal(2, outside.ExitCode);
        Assert.Contains("segkit: the first averaged epoch must be one of the run's epochs, 1 to 3\n", outside.Error.ReplaceLineEndings("\n"));
    }

    private static double BestAp(string output) =>
        double.Parse(Regex.Match(output, @"best AP@0\.5 (\d\.\d+)").Groups[1].Value, CultureInfo.InvariantCulture);

    [Fact]
    public void Resuming_from_a_checkpoint_of_another_architecture_fails_and_keeps_it()
    {
        string data = WriteData();
        string output = Repo.NewTempDir();
        string[] common = ["train", "--train", data, "--out", output, "--batch-size", "2", "--patch-size", "64", "--flow-cache", "none", "--model-diameter", "20"];
        var first = CliRun.Of([.. common, "--widths", "8,16,32", "--epochs", "1"]);
        Assert.True(first.ExitCode == 0, first.ToString());
        string last = Path.Combine(output, "last.ckpt");
        byte[] before = File.ReadAllBytes(last);

        var resumed = CliRun.Of([.. common, "--widths", "16,32,64", "--resume", "--epochs", "2"]);
        Assert.Equal(1, resumed.ExitCode);
        Assert.Contains("checkpoint does not fit this model", resumed.Error);
        Assert.Contains("last.ckpt", resumed.Error);
        Assert.Equal(before, File.ReadAllBytes(last));
    }
}

using SegKit.Core.Images;
using SegKit.Imaging;

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
        var run = CliRun.Of("train", "--kind", kind, "--train", data, "--val", data, "--out", output, "--epochs", "2",
            "--batch-size", "2", "--patch-size", "64", "--widths", "8,16,32", "--diameter", "20");
        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (string file in new[] { "last.ckpt", "best.ckpt", "training_log.csv", "loss.png", "validation.png" })
        {
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} missing\n{run}");
        }

        Assert.Contains("epoch 2/2", run.Error);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(output, "training_log.csv")).Length);
    }

    [Fact]
    public void Bad_training_options_are_usage_errors()
    {
        string data = WriteData();
        var run = CliRun.Of("train", "--train", data, "--out", Repo.NewTempDir(), "--patch-size", "50");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("multiple of 16", run.Error);
        Assert.Equal(2, CliRun.Of("train", "--train", data, "--out", Repo.NewTempDir(), "--widths", "a,b").ExitCode);
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
}

using System.Globalization;
using SegKit.Core.Images;
using SegKit.Imaging;
using SegKit.Testing;

namespace SegKit.Cli.Tests;

/// <summary>
/// The biologist's and the trainer's guides (docs/guides), every shell command as written, run against the segkit
/// tool installed from this build's package, on the two sample images in the repository.
/// </summary>
[Collection(PackedToolCollection.Name)]
public sealed class GuideTests(PackedTool packed) : IDisposable
{
    private readonly string _work = Repo.NewTempDir();

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void The_biologists_guide_installs_the_tool_segments_a_folder_and_scores_it()
    {
        // The reader's folder: the package folder the guide installs from, their images and their annotations.
        GuideScript.CopyFiles(packed.Feed, Path.Combine(_work, "segkit-packages"));
        GuideScript.CopyFiles(Repo.SampleImages, Path.Combine(_work, "images"));
        GuideScript.CopyFiles(Repo.SampleMasks, Path.Combine(_work, "masks"));
        // A home of its own, so 'dotnet tool install --global' lands here and not in the machine's home.
        string home = Path.Combine(_work, "home");
        Directory.CreateDirectory(home);
        var environment = new Dictionary<string, string> { ["HOME"] = home, ["DOTNET_CLI_HOME"] = home };

        ExternalProcess run = new GuideScript("docs/guides/biologist.md").Run(_work, environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(Path.Combine(home, ".dotnet", "tools", "segkit")), "the tool was not installed into the guide's home");
        Assert.Contains($"segkit {packed.Version}", run.Out);
        foreach (string image in new[] { "dsb_4be73d68", "dsb_912a679e" })
        {
            LabelImage masks = LabelImageFile.Read(Path.Combine(_work, "results", image + "_masks.tif"));
            Assert.True(masks.MaxLabel > 10, $"{image}: {masks.MaxLabel} objects");
            Assert.Equal(masks.MaxLabel + 1, File.ReadAllLines(Path.Combine(_work, "results", image + "_objects.csv")).Length);
            Assert.True(new FileInfo(Path.Combine(_work, "results", image + "_overlay.png")).Length > 1000);
        }

        // Scoring written outputs and letting eval segment with the bundled model by name agree to the digit.
        string[] written = TotalRow(Path.Combine(_work, "results", "eval_per_image.csv"));
        string[] direct = TotalRow(Path.Combine(_work, "eval-only", "eval_per_image.csv"));
        Assert.Equal(written[3..], direct[3..]);
        double ap50 = double.Parse(written[Array.IndexOf(Header(Path.Combine(_work, "results", "eval_per_image.csv")), "ap@0.5")], CultureInfo.InvariantCulture);
        Assert.InRange(ap50, 0.6, 1.0);
    }

    [Fact]
    public void The_trainers_guide_trains_exports_fits_the_size_model_and_runs_the_model()
    {
        string tools = Path.Combine(_work, "tools");
        string segkit = packed.InstallTo(tools, _work);
        foreach (string set in new[] { "train", "val" })
        {
            GuideScript.CopyFiles(Repo.SampleImages, Path.Combine(_work, set, "images"));
            GuideScript.CopyFiles(Repo.SampleMasks, Path.Combine(_work, set, "masks"));
        }

        var environment = new Dictionary<string, string> { ["PATH"] = tools + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH") };
        // Two epochs of two images: the guide's commands, with the training cut short.
        GuideScript guide = new GuideScript("docs/guides/trainer.md").Replace("--epochs 300", "--epochs 2 --batch-size 2");

        ExternalProcess run = guide.Run(_work, environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(Path.Combine(_work, "run", "best.ckpt")), run.ToString());
        Assert.True(new FileInfo(Path.Combine(_work, "run", "loss.png")).Length > 1000);
        // The resumed run found its two epochs done and trained no more.
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_work, "run", "training_log.csv")).Length);
        Assert.Contains("train: 2 DSB 2018 images (CC0); selected on val", run.Out);
        Assert.Contains("size model", run.Out);
        Assert.True(File.Exists(Path.Combine(_work, "val-scores", "eval_per_image.csv")));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_work, "results"), "*_masks.tif").Length);
    }

    private static string[] Header(string csv) => File.ReadLines(csv).First().Split(',');

    private static string[] TotalRow(string csv) => File.ReadLines(csv).Last().Split(',');
}

using System.Diagnostics;
using SegKit.Core.Images;
using SegKit.Imaging;

namespace SegKit.Cli.Tests;

/// <summary>
/// segkit segment on a folder, killed (SIGKILL) at random moments and started again until it finishes: nothing is lost,
/// nothing is done twice into a different result, no output is ever partial, and no temporary file is left.
/// </summary>
public sealed class ResumableBatchTests : IDisposable
{
    private readonly string _work = Repo.NewTempDir();

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void A_batch_killed_repeatedly_and_rerun_ends_with_every_output_complete_and_correct()
    {
        // 16 images: the two samples, eight copies each, under different names.
        string inputs = Path.Combine(_work, "images");
        Directory.CreateDirectory(inputs);
        string[] samples = Directory.GetFiles(Repo.SampleImages, "*.png").Order().ToArray();
        for (int i = 0; i < 16; i++)
        {
            File.Copy(samples[i % 2], Path.Combine(inputs, $"img{i:00}_{Path.GetFileName(samples[i % 2])}"));
        }

        string outputs = Path.Combine(_work, "out");
        string segkit = Path.Combine(AppContext.BaseDirectory, "segkit.dll");
        var random = new Random(18);
        int kills = 0;
        bool finished = false;
        for (int attempt = 0; attempt < 30 && !finished; attempt++)
        {
            using Process run = Start(segkit, inputs, outputs);
            // Early attempts die young (often mid-write); later ones get longer, so the batch usually finishes.
            if (!run.WaitForExit(TimeSpan.FromMilliseconds(random.Next(600, 1500 + (400 * attempt)))))
            {
                run.Kill();
                run.WaitForExit();
                kills++;
                AssertEveryVisibleOutputIsComplete(outputs);
                continue;
            }

            Assert.Equal(0, run.ExitCode);
            finished = true;
        }

        if (!finished)
        {
            // A machine slow enough that no attempt got through: one last run without a deadline finishes the batch.
            using Process last = Start(segkit, inputs, outputs);
            last.WaitForExit();
            Assert.Equal(0, last.ExitCode);
        }

        Assert.True(kills >= 3, $"only {kills} kill(s): the test did not interrupt the batch");
        string[] files = Directory.GetFiles(outputs).Select(Path.GetFileName).Order().ToArray()!;
        Assert.Equal(48, files.Length);
        Assert.DoesNotContain(files, f => f.StartsWith('.'));

        // The same masks as one uninterrupted run gives.
        string reference = Path.Combine(_work, "reference");
        CliRun once = CliRun.Of("segment", Repo.SampleImages, "--out", reference);
        Assert.True(once.ExitCode == 0, once.ToString());
        for (int i = 0; i < 16; i++)
        {
            string stem = Path.GetFileNameWithoutExtension(samples[i % 2]);
            LabelImage expected = LabelImageFile.Read(Path.Combine(reference, stem + "_masks.tif"));
            LabelImage actual = LabelImageFile.Read(Path.Combine(outputs, $"img{i:00}_{stem}_masks.tif"));
            Assert.Equal(expected.Buffer, actual.Buffer);
            Assert.Equal(File.ReadAllText(Path.Combine(reference, stem + "_objects.csv")), File.ReadAllText(Path.Combine(outputs, $"img{i:00}_{stem}_objects.csv")));
        }
    }

    /// <summary>After a kill: every output a user can see (not hidden) reads back whole, and an image's masks exist only with its other outputs.</summary>
    private static Process Start(string segkit, string inputs, string outputs)
    {
        Process run = Process.Start(new ProcessStartInfo("dotnet", [segkit, "segment", inputs, "--out", outputs]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        run.BeginOutputReadLine();
        run.BeginErrorReadLine();
        return run;
    }

    private static void AssertEveryVisibleOutputIsComplete(string outputs)
    {
        if (!Directory.Exists(outputs))
        {
            return;
        }

        foreach (string file in Directory.GetFiles(outputs).Where(f => !Path.GetFileName(f).StartsWith('.')))
        {
            switch (Path.GetExtension(file))
            {
                case ".tif":
                    Assert.True(LabelImageFile.Read(file).MaxLabel > 0, file);
                    Assert.True(File.Exists(file.Replace("_masks.tif", "_objects.csv", StringComparison.Ordinal)), $"{file} without its table");
                    Assert.True(File.Exists(file.Replace("_masks.tif", "_overlay.png", StringComparison.Ordinal)), $"{file} without its overlay");
                    break;
                case ".png":
                    Assert.Equal(3, ImageFile.Read(file).Channels);
                    break;
                case ".csv":
                    Assert.EndsWith("\n", File.ReadAllText(file), StringComparison.Ordinal);
                    break;
            }
        }
    }
}

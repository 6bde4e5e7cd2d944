using System.Text.Json;
using SegKit.Core.Images;
using SegKit.Imaging;

namespace SegKit.Cli.Tests;

public class EvalCommandTests
{
    [Fact]
    public void Ground_truth_against_itself_scores_one_and_writes_every_report()
    {
        string outDir = Repo.NewTempDir();
        string json = Path.Combine(outDir, "report.json");
        var run = CliRun.Of("eval", "--pred", Repo.SampleMasks, "--truth", Repo.SampleMasks, "--out", outDir, "--json", json);
        Assert.True(run.ExitCode == 0, run.ToString());

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal("segkit.eval/1", root.GetProperty("schema").GetString());
        Assert.Equal(new[] { 0.5, 0.75, 0.9 }, root.GetProperty("thresholds").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(2, root.GetProperty("images").GetArrayLength());
        var total = root.GetProperty("total");
        Assert.Equal(45 + 78, total.GetProperty("truth_objects").GetInt32());
        foreach (var t in total.GetProperty("per_threshold").EnumerateArray())
        {
            Assert.Equal(123, t.GetProperty("tp").GetInt32());
            Assert.Equal(0, t.GetProperty("fp").GetInt32());
            Assert.Equal(1.0, t.GetProperty("average_precision").GetDouble());
        }

        Assert.Equal(1.0, total.GetProperty("aggregated_jaccard").GetDouble());
        string[] csv = File.ReadAllLines(Path.Combine(outDir, "eval_per_image.csv"));
        Assert.Equal(4, csv.Length); // header, two images, total
        Assert.StartsWith("image,truth_file,prediction_file", csv[0]);
        Assert.True(new FileInfo(Path.Combine(outDir, "eval_ap_vs_iou.png")).Length > 1000);
        Assert.Contains("AP@0.5", run.Out);
    }

    [Fact]
    public void Counts_match_a_hand_made_case()
    {
        string truthDir = Repo.NewTempDir();
        string predDir = Repo.NewTempDir();
        // Truth: two 4x4 squares. Prediction: the first square exactly, the second shifted by 2 columns
        // (IoU 8/24 = 1/3, below 0.5), plus a false object.
        var truth = new LabelImage(8, 12);
        var pred = new LabelImage(8, 12);
        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 4; x++)
            {
                truth[y, x] = 1;
                pred[y, x] = 1;
                truth[y + 4, x + 4] = 2;
                pred[y + 4, x + 6] = 2;
            }
        }

        pred[7, 0] = 3;
        LabelImageFile.Write(Path.Combine(truthDir, "a.png"), truth);
        LabelImageFile.Write(Path.Combine(predDir, "a_masks.tif"), pred);
        string json = Path.Combine(predDir, "r.json");
        var run = CliRun.Of("eval", "--pred", predDir, "--truth", truthDir, "--thresholds", "0.3", "0.5", "--json", json);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var perThreshold = doc.RootElement.GetProperty("images")[0].GetProperty("per_threshold");
        Assert.Equal((2, 1, 0), Counts(perThreshold[0]));
        Assert.Equal((1, 2, 1), Counts(perThreshold[1]));
        Assert.Equal(0.25, perThreshold[1].GetProperty("average_precision").GetDouble(), 6);
    }

    [Fact]
    public void Images_of_different_sizes_fail_naming_both_files()
    {
        string truthDir = Repo.NewTempDir();
        string predDir = Repo.NewTempDir();
        LabelImageFile.Write(Path.Combine(truthDir, "a.png"), new LabelImage(10, 10));
        LabelImageFile.Write(Path.Combine(predDir, "a.png"), new LabelImage(10, 12));
        var run = CliRun.Of("eval", "--pred", predDir, "--truth", truthDir);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(Path.Combine(predDir, "a.png"), run.Error);
        Assert.Contains("10x10", run.Error);
    }

    [Fact]
    public void No_pairs_is_an_error()
    {
        string truthDir = Repo.NewTempDir();
        string predDir = Repo.NewTempDir();
        LabelImageFile.Write(Path.Combine(truthDir, "a.png"), new LabelImage(4, 4));
        LabelImageFile.Write(Path.Combine(predDir, "b.png"), new LabelImage(4, 4));
        var run = CliRun.Of("eval", "--pred", predDir, "--truth", truthDir);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no prediction pairs", run.Error);
    }

    private static (int Tp, int Fp, int Fn) Counts(JsonElement e) =>
        (e.GetProperty("tp").GetInt32(), e.GetProperty("fp").GetInt32(), e.GetProperty("fn").GetInt32());
}

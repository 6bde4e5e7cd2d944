namespace SegKit.Cli.Tests;

/// <summary>
/// segment, eval and masks share their Cellpose options: the same bad value is refused by each, with the same one-line
/// message and exit code 2, before any file is read (the files named here do not exist).
/// </summary>
public class CellposeOptionsTests
{
    public static TheoryData<string, string, string> BadValues => new()
    {
        { "--min-size", "-1", "--min-size must be zero or more" },
        { "--flow-threshold", "-0.5", "FlowThreshold must be >= 0" },
        { "--cellprob-threshold", "NaN", "CellprobThreshold must be a finite number" },
    };

    public static TheoryData<string, string, string> BadScales => new()
    {
        { "--diameter", "0", "--diameter must be a positive number of pixels" },
        { "--diameter", "-3", "--diameter must be a positive number of pixels" },
        { "--channels", "0,7", "--channels:" },
        { "--channels", "green", "--channels takes two numbers" },
        { "--tile-size", "100", "--tile-size must be a multiple of 16" },
        { "--tile-size", "0", "--tile-size must be a multiple of 16" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    [MemberData(nameof(BadScales))]
    public void Segment_and_eval_refuse_the_same_values_alike(string option, string value, string message)
    {
        string dir = Repo.NewTempDir();
        foreach (string[] command in new[]
        {
            new[] { "segment", Path.Combine(dir, "missing.png"), "--out", Path.Combine(dir, "out") },
            new[] { "eval", "--model", Path.Combine(dir, "missing.onnx"), "--images", dir, "--truth", dir },
            new[] { "eval", "--pred", dir, "--truth", dir },
        })
        {
            var run = CliRun.Of([.. command, option, value]);
            Assert.True(run.ExitCode == 2, $"{string.Join(' ', command)} {option} {value}: {run}");
            Assert.Contains(message, run.Error);
            Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Masks_refuses_the_same_dynamics_values(string option, string value, string message)
    {
        string dir = Repo.NewTempDir();
        var run = CliRun.Of("masks", "--flows", Path.Combine(dir, "dP.npy"), "--cellprob", Path.Combine(dir, "p.npy"), "--out", Path.Combine(dir, "m.tif"), option, value);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public void Zero_min_size_is_accepted_by_each_command()
    {
        string dir = Repo.NewTempDir();
        string image = Path.Combine(Repo.SampleImages, "dsb_912a679e.png");
        var segment = CliRun.Of("segment", image, "--out", Path.Combine(dir, "out"), "--method", "classical", "--min-size", "0");
        Assert.True(segment.ExitCode == 0, segment.ToString());
        var eval = CliRun.Of("eval", "--pred", Path.Combine(dir, "out"), "--truth", Repo.SampleMasks, "--out", dir, "--min-size", "0");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        // No usage error: it goes on to fail on the missing flows file, which it names.
        var masks = CliRun.Of("masks", "--flows", Path.Combine(dir, "dP.npy"), "--cellprob", Path.Combine(dir, "p.npy"), "--out", Path.Combine(dir, "m.tif"), "--min-size", "0");
        Assert.True(masks.ExitCode == 1, masks.ToString());
        Assert.Contains("dP.npy", masks.Error);
    }
}

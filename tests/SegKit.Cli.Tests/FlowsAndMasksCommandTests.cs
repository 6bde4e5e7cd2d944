using SegKit.Core.IO;
using SegKit.Core.Metrics;
using SegKit.Imaging;

namespace SegKit.Cli.Tests;

public class FlowsAndMasksCommandTests
{
    [Fact]
    public void Flows_from_labels_then_masks_from_flows_recover_the_objects()
    {
        string dir = Repo.NewTempDir();
        string truthPath = Path.Combine(Repo.SampleMasks, "dsb_912a679e.png");
        var flowsRun = CliRun.Of("flows", truthPath, "--out", dir);
        Assert.True(flowsRun.ExitCode == 0, flowsRun.ToString());
        var flows = NpyFile.Read(Path.Combine(dir, "dsb_912a679e_flows.npy"));
        Assert.Equal(new[] { 2, 256, 256 }, flows.Shape);

        // As a perfect network would output them: 5x the unit flows, and probability logits of +-6.
        var truth = LabelImageFile.Read(truthPath);
        float[] dP = flows.ToSingle().Select(v => 5f * v).ToArray();
        float[] cellprob = truth.Buffer.Select(v => v > 0 ? 6f : -6f).ToArray();
        string dPPath = Path.Combine(dir, "dP.npy");
        string probPath = Path.Combine(dir, "prob.npy");
        NpyFile.Write(dPPath, dP, 2, 256, 256);
        NpyFile.Write(probPath, cellprob, 256, 256);

        string masksPath = Path.Combine(dir, "masks.tif");
        var masksRun = CliRun.Of("masks", "--flows", dPPath, "--cellprob", probPath, "--out", masksPath);
        Assert.True(masksRun.ExitCode == 0, masksRun.ToString());
        var masks = LabelImageFile.Read(masksPath);
        var ap = InstanceMetrics.Evaluate(truth, masks, [0.5]).Scores[0].AveragePrecision;
        Assert.True(ap >= 0.98, $"AP@0.5 = {ap}");
    }

    [Fact]
    public void Mismatched_flow_and_probability_shapes_name_the_file()
    {
        string dir = Repo.NewTempDir();
        string dPPath = Path.Combine(dir, "dP.npy");
        string probPath = Path.Combine(dir, "prob.npy");
        NpyFile.Write(dPPath, new float[2 * 8 * 8], 2, 8, 8);
        NpyFile.Write(probPath, new float[8 * 9], 8, 9);
        var run = CliRun.Of("masks", "--flows", dPPath, "--cellprob", probPath, "--out", Path.Combine(dir, "m.tif"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("prob.npy", run.Error);
        Assert.False(File.Exists(Path.Combine(dir, "m.tif")));
    }

    [Fact]
    public void Absurd_parameters_are_usage_errors()
    {
        string dir = Repo.NewTempDir();
        var run = CliRun.Of("masks", "--flows", "a.npy", "--cellprob", "b.npy", "--out", Path.Combine(dir, "m.tif"), "--niter", "-3");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--niter must be zero or more", run.Error);
    }
}

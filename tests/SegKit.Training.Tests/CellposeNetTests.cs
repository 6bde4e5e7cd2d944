using SegKit.Training.Models;
using TorchSharp;

namespace SegKit.Training.Tests;

public class CellposeNetTests
{
    public CellposeNetTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Parameter_counts_match_cellpose_v3()
    {
        // Cellpose v3's CPnet: 6.60 M trainable parameters at widths 32-64-128-256, 1.65 M at 16-32-64-128.
        using var full = new CellposeNet();
        using var compact = new CellposeNet(CellposeNetOptions.Compact);
        Assert.InRange(full.ParameterCount, 6_595_000, 6_605_000);
        Assert.InRange(compact.ParameterCount, 1_645_000, 1_655_000);
    }

    [Theory]
    [InlineData(64, 64)]
    [InlineData(128, 96)]
    [InlineData(224, 224)]
    public void Outputs_flows_and_probability_at_the_input_size(int height, int width)
    {
        torch.manual_seed(1);
        using var net = new CellposeNet(CellposeNetOptions.Compact);
        net.eval();
        using var scope = torch.NewDisposeScope();
        var (output, style) = net.forward(torch.randn(2, 2, height, width));
        Assert.Equal(new long[] { 2, 3, height, width }, output.shape);
        Assert.Equal(new long[] { 2, 128 }, style.shape);
        // The style is L2-normalised per image.
        float[] norms = style.pow(2).sum(1).sqrt().data<float>().ToArray();
        Assert.All(norms, n => Assert.Equal(1f, n, 4));
    }

    [Fact]
    public void The_same_seed_builds_the_same_network()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        using var a = new CellposeNet(CellposeNetOptions.Compact);
        torch.manual_seed(7);
        using var b = new CellposeNet(CellposeNetOptions.Compact);
        a.eval();
        b.eval();
        var input = torch.randn(1, 2, 32, 32);
        var (ya, _) = a.forward(input);
        var (yb, _) = b.forward(input);
        Assert.True(ya.allclose(yb, rtol: 0, atol: 0));
    }

    [Fact]
    public void Training_mode_differs_from_evaluation_mode_only_through_batch_norm()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        using var net = new CellposeNet(CellposeNetOptions.Compact);
        var input = torch.randn(2, 2, 32, 32);
        net.eval();
        var (evalOutput, _) = net.forward(input);
        net.train();
        var (trainOutput, _) = net.forward(input);
        Assert.False(evalOutput.allclose(trainOutput));
        Assert.Throws<ArgumentException>(() => new CellposeNet(new CellposeNetOptions { Widths = [8] }));
    }
}

using BenchmarkDotNet.Attributes;
using SegKit.Training;
using SegKit.Training.Losses;
using SegKit.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SegKit.Benchmarks;

/// <summary>
/// One AdamW training step at batch 8 x 2 x 224 x 224 (forward, loss, backward, update), the figure the Cellpose v3
/// comparison uses: CellposeNet at both widths and the modern U-Net (1 input channel, base width 32, depth 4).
/// </summary>
public class TrainingStepBenchmarks
{
    private nn.Module _model = null!;
    private optim.Optimizer _optimizer = null!;
    private Tensor _input = null!;
    private Tensor _flows = null!;
    private Tensor _cells = null!;
    private Tensor _classes = null!;

    [Params("cellpose-32", "cellpose-16", "unet-modern")]
    public string Network { get; set; } = "cellpose-32";

    [GlobalSetup]
    public void Setup()
    {
        TorchRuntime.EnsureLoaded();
        torch.manual_seed(0);
        _model = Network switch
        {
            "cellpose-32" => new CellposeNet(),
            "cellpose-16" => new CellposeNet(CellposeNetOptions.Compact),
            _ => new UNet(UNetOptions.Modern with { InputChannels = 1, BaseWidth = 32 }),
        };
        _model.train();
        _optimizer = optim.AdamW(_model.parameters(), lr: 0.001);
        _input = torch.randn(8, Network.StartsWith("unet", StringComparison.Ordinal) ? 1 : 2, 224, 224);
        _flows = torch.randn(8, 2, 224, 224);
        _cells = torch.rand(8, 224, 224).gt(0.5).to_type(ScalarType.Float32);
        _classes = torch.randint(0, 2, [8, 224, 224], ScalarType.Int64);
    }

    [Benchmark]
    public float Step()
    {
        using var scope = NewDisposeScope();
        Tensor loss = _model switch
        {
            CellposeNet cellpose => SegmentationLosses.Cellpose(cellpose.forward(_input).Output, _flows, _cells),
            UNet unet => SegmentationLosses.CrossEntropy(unet.forward(_input), _classes),
            _ => throw new InvalidOperationException(),
        };
        _optimizer.zero_grad();
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }
}

using BenchmarkDotNet.Attributes;
using SegKit.Training;
using SegKit.Training.Losses;
using SegKit.Training.Models;
using SegKit.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegKit.Benchmarks;

/// <summary>
/// One AdamW training step at batch 8 x 2 x 224 x 224 (forward, loss, backward, update), the figure the Cellpose v3
/// comparison uses: CellposeNet at both widths and the modern U-Net (1 input channel, base width 32, depth 4), in fp32
/// and with bf16 forward and backward passes on fp32 master weights (the trainer's <see cref="TrainingPrecision.BFloat16"/>).
/// </summary>
public class TrainingStepBenchmarks
{
    private nn.Module _model = null!;
    private BFloat16Shadow? _shadow;
    private optim.Optimizer _optimizer = null!;
    private Tensor _input = null!;
    private Tensor _flows = null!;
    private Tensor _cells = null!;
    private Tensor _classes = null!;

    [Params("cellpose-32", "cellpose-16", "unet-modern")]
    public string Network { get; set; } = "cellpose-32";

    [Params("fp32", "bf16")]
    public string Precision { get; set; } = "fp32";

    [GlobalSetup]
    public void Setup()
    {
        TorchRuntime.EnsureLoaded();
        torch.manual_seed(0);
        _model = CreateNetwork();
        _model.train();
        if (Precision == "bf16")
        {
            _shadow = new BFloat16Shadow(_model, CreateNetwork());
            _shadow.Working.train();
        }

        _optimizer = optim.AdamW(_model.parameters(), lr: 0.001);
        _input = torch.randn(8, Network.StartsWith("unet", StringComparison.Ordinal) ? 1 : 2, 224, 224);
        _flows = torch.randn(8, 2, 224, 224);
        _cells = torch.rand(8, 224, 224).gt(0.5).to_type(ScalarType.Float32);
        _classes = torch.randint(0, 2, [8, 224, 224], ScalarType.Int64);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _shadow?.Dispose();
        _model.Dispose();
    }

    [Benchmark]
    public float Step()
    {
        using var scope = NewDisposeScope();
        _shadow?.Pull();
        Tensor input = _shadow is null ? _input : _input.to(ScalarType.BFloat16);
        Tensor loss = (_shadow?.Working ?? _model) switch
        {
            CellposeNet cellpose => SegmentationLosses.Cellpose(cellpose.forward(input).Output.to(ScalarType.Float32), _flows, _cells),
            UNet unet => SegmentationLosses.CrossEntropy(unet.forward(input).to(ScalarType.Float32), _classes),
            _ => throw new InvalidOperationException(),
        };
        _optimizer.zero_grad();
        loss.backward();
        _shadow?.Push();
        _optimizer.step();
        return loss.item<float>();
    }

    private nn.Module CreateNetwork() => Network switch
    {
        "cellpose-32" => new CellposeNet(),
        "cellpose-16" => new CellposeNet(CellposeNetOptions.Compact),
        _ => new UNet(UNetOptions.Modern with { InputChannels = 1, BaseWidth = 32 }),
    };
}

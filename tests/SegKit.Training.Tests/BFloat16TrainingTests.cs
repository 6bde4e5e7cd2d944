using SegKit.Onnx;
using SegKit.Testing;
using SegKit.Training.Data;
using SegKit.Training.Losses;
using SegKit.Training.Models;
using SegKit.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegKit.Training.Tests;

public class BFloat16TrainingTests
{
    public BFloat16TrainingTests() => TorchRuntime.EnsureLoaded();

    private static TrainerOptions TinyCellpose(TrainingPrecision precision) => TrainerTests.TinyCellpose(30) with { Precision = precision };

    [Fact]
    public void Bf16_steps_follow_the_fp32_loss_curve_and_checkpoints_stay_fp32()
    {
        string data = SyntheticData.Write(images: 4, size: 64, seed: 1);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.Cellpose);
        var fp32 = new Trainer(TinyCellpose(TrainingPrecision.Float32), Directory.CreateTempSubdirectory("segkit-run-").FullName).Run(set, null);
        var bf16 = new Trainer(TinyCellpose(TrainingPrecision.BFloat16), Directory.CreateTempSubdirectory("segkit-run-").FullName).Run(set, null);

        double[] a = [.. fp32.Epochs.Select(e => e.TrainLoss)];
        double[] b = [.. bf16.Epochs.Select(e => e.TrainLoss)];
        Assert.NotEqual(a, b); // bf16 rounding must show: otherwise the run was not in bf16
        Assert.True(b[^1] < b[1] / 3, $"bf16 loss {b[1]:0.000} -> {b[^1]:0.000}");
        for (int i = 1; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) <= 0.1 * a[i], $"epoch {i + 1}: fp32 loss {a[i]:0.0000}, bf16 {b[i]:0.0000}");
        }

        var (model, options, _) = Trainer.LoadModel(bf16.LastCheckpoint);
        using (model)
        {
            Assert.Equal(TrainingPrecision.BFloat16, options.Precision);
            Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
            Assert.All(model.buffers().Where(t => t.is_floating_point()), t => Assert.Equal(ScalarType.Float32, t.dtype));
        }
    }

    [Fact]
    public void The_shadow_rounds_weights_in_and_hands_fp32_gradients_and_statistics_back()
    {
        var options = new CellposeNetOptions { Widths = [8, 16, 32, 64] };
        torch.manual_seed(1);
        using var master = new CellposeNet(options);
        using var shadow = new BFloat16Shadow(master, new CellposeNet(options));
        master.train();
        shadow.Working.train();
        shadow.Pull();

        var masterParameters = master.parameters().ToArray();
        var workingParameters = shadow.Working.parameters().ToArray();
        Assert.Contains(workingParameters, p => p.dtype == ScalarType.BFloat16);
        Assert.Contains(workingParameters, p => p.dtype == ScalarType.Float32); // batch norm
        for (int i = 0; i < masterParameters.Length; i++)
        {
            Assert.True(Same(workingParameters[i].to(ScalarType.Float32), masterParameters[i].to(workingParameters[i].dtype).to(ScalarType.Float32)), $"parameter {i} was not copied in");
        }

        torch.manual_seed(2);
        using var x = torch.randn(2, 2, 32, 32).to(ScalarType.BFloat16);
        var (output, _) = ((CellposeNet)shadow.Working).forward(x);
        using var loss = SegmentationLosses.Cellpose(output.to(ScalarType.Float32), torch.zeros(2, 2, 32, 32), torch.ones(2, 32, 32));
        loss.backward();
        shadow.Push();

        for (int i = 0; i < masterParameters.Length; i++)
        {
            Tensor grad = masterParameters[i].grad ?? throw new Xunit.Sdk.XunitException($"parameter {i} has no gradient");
            Assert.Equal(ScalarType.Float32, grad.dtype);
            Assert.True(Same(grad, workingParameters[i].grad!.to(ScalarType.Float32)), $"gradient {i} differs");
        }

        var masterBuffers = master.buffers().ToArray();
        var workingBuffers = shadow.Working.buffers().ToArray();
        Assert.Contains(masterBuffers, t => t.is_floating_point() && t.abs().sum().item<float>() > 0 && t.ne(1).any().item<bool>());
        for (int i = 0; i < masterBuffers.Length; i++)
        {
            Assert.True(Same(masterBuffers[i], workingBuffers[i]), $"buffer {i} was not handed back");
        }
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    [Fact]
    public void A_tiny_unet_trains_in_bf16_as_well_as_in_fp32()
    {
        string data = SyntheticData.Write(images: 4, size: 64, seed: 5);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.UNet);
        TrainerOptions options = TrainerTests.TinyUNet;
        var fp32 = new Trainer(options, Directory.CreateTempSubdirectory("segkit-run-").FullName).Run(set, set);
        var bf16 = new Trainer(options with { Precision = TrainingPrecision.BFloat16 }, Directory.CreateTempSubdirectory("segkit-run-").FullName).Run(set, set);
        Assert.True(bf16.Epochs[^1].TrainLoss < bf16.Epochs[1].TrainLoss / 4, $"loss {bf16.Epochs[1].TrainLoss:0.000} -> {bf16.Epochs[^1].TrainLoss:0.000}");
        Assert.True(bf16.BestMetric >= 0.9 && Math.Abs(bf16.BestMetric!.Value - fp32.BestMetric!.Value) < 0.03, $"foreground IoU: fp32 {fp32.BestMetric}, bf16 {bf16.BestMetric}");
    }
}

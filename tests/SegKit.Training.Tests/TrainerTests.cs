using SegKit.Onnx;
using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Core.Metrics;
using SegKit.Core.Tiling;
using SegKit.Training.Data;
using SegKit.Training.Models;
using SegKit.Training.Training;
using TorchSharp;

using SegKit.Testing;

namespace SegKit.Training.Tests;

public class TrainerTests
{
    internal static TrainerOptions TinyCellpose(int epochs) => new()
    {
        Kind = SegmentationModelKind.Cellpose,
        Cellpose = new CellposeNetOptions { Widths = [8, 16, 32, 64] },
        Epochs = epochs,
        BatchSize = 4,
        PatchSize = 64,
        LearningRate = 0.01,
        ValidateEvery = 1000,
        ModelDiameter = 13,
        Seed = 3,
    };

    /// <summary>A two-level U-Net of base width 8 for 60 epochs on 64-pixel patches.</summary>
    internal static TrainerOptions TinyUNet { get; } = new()
    {
        Kind = SegmentationModelKind.UNet,
        UNet = UNetOptions.Modern with { BaseWidth = 8, Depth = 2 },
        Epochs = 60,
        BatchSize = 4,
        PatchSize = 64,
        LearningRate = 0.01,
        ValidateEvery = 1000,
        Seed = 1,
    };

    [Fact]
    public void A_tiny_cellpose_network_learns_synthetic_nuclei()
    {
        string data = SyntheticData.Write(images: 4, size: 64, seed: 1);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.Cellpose);
        string output = Directory.CreateTempSubdirectory("segkit-run-").FullName;
        var result = new Trainer(TinyCellpose(120), output).Run(set, set);

        double first = result.Epochs[1].TrainLoss;
        double lastLoss = result.Epochs[^1].TrainLoss;
        Assert.True(lastLoss < first / 4, $"loss {first:0.000} -> {lastLoss:0.000}");
        Assert.True(result.BestMetric >= 0.9, $"AP@0.5 on the training images = {result.BestMetric}");
        Assert.True(File.Exists(Path.Combine(output, TrainingLog.CsvName)));
        Assert.True(new FileInfo(Path.Combine(output, TrainingLog.LossPlotName)).Length > 1000);
        Assert.True(File.Exists(Path.Combine(output, TrainingLog.ValidationPlotName)));
        Assert.Equal(121, File.ReadAllLines(result.Log).Length);
    }

    [Fact]
    public void A_libtorch_failure_in_a_step_is_a_typed_error_naming_the_epoch()
    {
        string data = SyntheticData.Write(images: 4, size: 64, seed: 1);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.Cellpose);
        string output = Directory.CreateTempSubdirectory("segkit-run-").FullName;

        // A first convolution whose weight has lost its shape makes LibTorch throw from inside the forward pass.
        void Break(torch.nn.Module model)
        {
            using var noGrad = torch.no_grad();
            model.parameters().First().set_(torch.zeros(3));
        }

        // A stale last.ckpt of another run in the folder is not this run's: it is neither reloaded nor named.
        File.WriteAllBytes(Path.Combine(output, Trainer.LastCheckpointName), [1, 2, 3]);
        var e = Assert.Throws<TrainingFailedException>(() => new Trainer(TinyCellpose(2), output).Run(set, null, initialize: Break));
        Assert.StartsWith("LibTorch failed at epoch 1: ", e.Message);
        Assert.EndsWith("no checkpoint was written yet", e.Message);
        Assert.DoesNotContain("frame #", e.Message);
        Assert.IsAssignableFrom<System.Runtime.InteropServices.ExternalException>(e.InnerException);
    }

    [Fact]
    public void Resuming_repeats_an_uninterrupted_run()
    {
        string data = SyntheticData.Write(images: 3, size: 64, seed: 2);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.Cellpose);
        string straight = Directory.CreateTempSubdirectory("segkit-run-").FullName;
        var full = new Trainer(TinyCellpose(4) with { BatchSize = 3 }, straight).Run(set, null);

        // The same run, stopped after its second epoch (as Ctrl+C would), then resumed.
        string interrupted = Directory.CreateTempSubdirectory("segkit-run-").FullName;
        using var stop = new CancellationTokenSource();
        var stopAfterTwo = new SynchronousProgress<EpochReport>(r =>
        {
            if (r.Epoch == 2)
            {
                stop.Cancel();
            }
        });
        Assert.Throws<OperationCanceledException>(() => new Trainer(TinyCellpose(4) with { BatchSize = 3 }, interrupted, stopAfterTwo).Run(set, null, cancellation: stop.Token));
        Assert.Equal(2, Checkpoint.ReadHeader(Path.Combine(interrupted, Trainer.LastCheckpointName)).Epoch + 1);
        var resumed = new Trainer(TinyCellpose(4) with { BatchSize = 3 }, interrupted).Run(set, null, resume: true);

        Assert.Equal(full.Epochs.Select(e => e.TrainLoss), resumed.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(File.ReadAllBytes(full.LastCheckpoint), File.ReadAllBytes(resumed.LastCheckpoint));
    }

    [Fact]
    public void A_libtorch_error_that_does_not_come_back_costs_one_epoch_rerun_and_changes_nothing()
    {
        string data = SyntheticData.Write(images: 3, size: 64, seed: 2);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.Cellpose);
        var options = TinyCellpose(3) with { BatchSize = 3 };
        var straight = new Trainer(options, Directory.CreateTempSubdirectory("segkit-run-").FullName).Run(set, null);

        // The error comes after the first step of epoch 2 has updated the weights: the rerun must start from the checkpoint.
        bool failed = false;
        var failOnce = new SynchronousProgress<StepReport>(s =>
        {
            if (s.Epoch == 2 && !failed)
            {
                failed = true;
                throw new System.Runtime.InteropServices.ExternalException("For integral input tensors, argument alpha must not be a floating point number.\nframe #0: ...");
            }
        });
        var reports = new List<EpochReport>();
        var retried = new Trainer(options, Directory.CreateTempSubdirectory("segkit-run-").FullName, new SynchronousProgress<EpochReport>(reports.Add), failOnce).Run(set, null);

        Assert.True(failed);
        Assert.Equal(straight.Epochs.Select(e => e.TrainLoss), retried.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(File.ReadAllBytes(straight.LastCheckpoint), File.ReadAllBytes(retried.LastCheckpoint));
        Assert.Equal([null, "For integral input tensors, argument alpha must not be a floating point number.", null], reports.Select(r => r.RetriedAfter));
    }

    [Fact]
    public void A_libtorch_error_that_comes_back_stops_the_run_naming_the_checkpoint()
    {
        string data = SyntheticData.Write(images: 3, size: 64, seed: 2);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.Cellpose);
        string output = Directory.CreateTempSubdirectory("segkit-run-").FullName;
        var always = new SynchronousProgress<StepReport>(s =>
        {
            if (s.Epoch == 2)
            {
                throw new System.Runtime.InteropServices.ExternalException("broken");
            }
        });
        var e = Assert.Throws<TrainingFailedException>(() => new Trainer(TinyCellpose(3) with { BatchSize = 3 }, output, steps: always).Run(set, null));
        Assert.Equal($"LibTorch failed at epoch 2: broken; the last good checkpoint is {Path.Combine(output, Trainer.LastCheckpointName)} (continue with --resume)", e.Message);
    }

    [Fact]
    public void A_tiny_unet_learns_synthetic_nuclei()
    {
        string data = SyntheticData.Write(images: 4, size: 64, seed: 5);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.UNet);
        var result = new Trainer(TinyUNet, Directory.CreateTempSubdirectory("segkit-run-").FullName).Run(set, set);
        Assert.True(result.Epochs[^1].TrainLoss < result.Epochs[1].TrainLoss / 4, $"loss {result.Epochs[1].TrainLoss:0.000} -> {result.Epochs[^1].TrainLoss:0.000}");
        Assert.True(result.BestMetric >= 0.9, $"foreground IoU = {result.BestMetric}");
    }

    [Fact]
    public void A_unet_selected_on_pixel_accuracy_validates_with_it_and_resumes_only_with_the_same_selection()
    {
        string data = SyntheticData.Write(images: 4, size: 64, seed: 5);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.UNet);
        var options = TinyUNet with { Epochs = 15, ValidateEvery = 5 };
        var byIoU = new Trainer(options, Directory.CreateTempSubdirectory("segkit-run-").FullName).Run(set, set);
        string folder = Directory.CreateTempSubdirectory("segkit-run-").FullName;
        var trainer = new Trainer(options with { Selection = UNetSelection.PixelAccuracy }, folder);
        Assert.Equal("pixel accuracy", trainer.MetricName);
        var byAccuracy = trainer.Run(set, set);

        // The selection changes what is measured, not the training; by the last epoch the network finds some nuclei.
        Assert.Equal(byIoU.Epochs.Select(e => e.TrainLoss), byAccuracy.Epochs.Select(e => e.TrainLoss));
        Assert.True(byIoU.Epochs[^1].ValidationMetric > 0.2, $"foreground IoU {byIoU.Epochs[^1].ValidationMetric}");
        Assert.NotEqual(byIoU.Epochs.Select(e => e.ValidationMetric), byAccuracy.Epochs.Select(e => e.ValidationMetric));

        // The last epoch's figure is the pixel accuracy of the last checkpoint's predictions on the val images.
        var (model, saved, _) = Trainer.LoadModel(byAccuracy.LastCheckpoint);
        using (model)
        {
            Assert.Equal(UNetSelection.PixelAccuracy, saved.Selection);
            var network = new TorchTileNetwork(((Models.UNet)model).forward, 2);
            var confusion = new List<SemanticEvaluation>();
            foreach (DatasetItem item in set.Items)
            {
                Image logits = TiledPrediction.Run(item.Image, network, new TilingOptions { TileSize = options.PatchSize, BatchSize = options.BatchSize, Flows = null });
                int[] predicted = [.. Enumerable.Range(0, item.Image.PlaneSize).Select(i => logits.Plane(1)[i] > logits.Plane(0)[i] ? 1 : 0)];
                int[] truth = [.. item.Labels.Buffer.Select(v => v > 0 ? 1 : 0)];
                confusion.Add(SemanticMetrics.Evaluate(truth, predicted, 2));
            }

            Assert.Equal(SemanticEvaluation.Combine(confusion).PixelAccuracy, byAccuracy.Epochs[^1].ValidationMetric!.Value, 6);
        }

        // Resuming with the other selection would compare one metric's best with the other's values: refused, and
        // nothing in the folder is written.
        byte[] before = File.ReadAllBytes(byAccuracy.LastCheckpoint);
        var e = Assert.Throws<InvalidImageException>(() => new Trainer(options with { Epochs = 16 }, folder).Run(set, set, resume: true));
        Assert.Contains("selects on pixel accuracy", e.Message);
        Assert.Contains(byAccuracy.LastCheckpoint, e.Message);
        Assert.Equal(before, File.ReadAllBytes(byAccuracy.LastCheckpoint));
        Assert.Throws<ArgumentException>(() => (TinyCellpose(1) with { Selection = UNetSelection.PixelAccuracy }).Validate());
    }

    [Fact]
    public void The_valid_padding_unet_trains_on_cropped_targets_and_validates_whole_images()
    {
        string data = SyntheticData.Write(images: 2, size: 64, seed: 7);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.UNet);
        var unet = UNetOptions.Original2015 with { BaseWidth = 4, Depth = 2 };
        var options = new TrainerOptions { Kind = SegmentationModelKind.UNet, UNet = unet, Epochs = 2, BatchSize = 2, PatchSize = 60, ValidateEvery = 1, Seed = 2 };
        Assert.Equal(20, unet.OutputSize(60));
        var result = new Trainer(options, Directory.CreateTempSubdirectory("segkit-run-").FullName).Run(set, set);
        Assert.Equal(2, result.Epochs.Count);
        Assert.InRange(result.BestMetric!.Value, 0.0, 1.0);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => (options with { PatchSize = 62 }).Validate());
        Assert.Contains("next size that does is 64", e.Message);
    }

    [Fact]
    public void Too_few_images_for_a_batch_are_refused()
    {
        string data = SyntheticData.Write(images: 2, size: 32, seed: 6);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.Cellpose);
        var e = Assert.Throws<ArgumentException>(() => new Trainer(TinyCellpose(1), Directory.CreateTempSubdirectory("segkit-run-").FullName).Run(set, null));
        Assert.Contains("cannot fill a batch of 4", e.Message);
    }

    [Fact]
    public void The_weight_average_is_the_mean_of_its_epochs_and_a_resumed_run_continues_it_exactly()
    {
        string data = SyntheticData.Write(images: 3, size: 64, seed: 2);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.Cellpose);
        var options = TinyCellpose(4) with { BatchSize = 3, AverageFrom = 2 };
        string straight = Directory.CreateTempSubdirectory("segkit-run-").FullName;
        string snapshots = Directory.CreateTempSubdirectory("segkit-snap-").FullName;
        var keep = new SynchronousProgress<EpochReport>(r =>
        {
            File.Copy(Path.Combine(straight, Trainer.LastCheckpointName), Path.Combine(snapshots, $"last{r.Epoch}.ckpt"));
            if (r.Epoch >= 2)
            {
                File.Copy(Path.Combine(straight, Trainer.AverageCheckpointName), Path.Combine(snapshots, $"average{r.Epoch}.ckpt"));
            }
        });
        var full = new Trainer(options, straight, keep).Run(set, null);
        string average = Path.Combine(straight, Trainer.AverageCheckpointName);
        Assert.Equal(average, full.AverageCheckpoint);
        Assert.Equal(3, Checkpoint.ReadHeader(average).Epoch);
        Assert.False(File.Exists(Path.Combine(snapshots, "average1.ckpt")));

        // Epochs 2 to 4, each weight and BatchNorm statistic averaged; the step counters are the last epoch's.
        var epochs = Enumerable.Range(2, 3).Select(e => Trainer.LoadModel(Path.Combine(snapshots, $"last{e}.ckpt")).Model).ToArray();
        using var mean = Trainer.LoadModel(average).Model;
        var last = epochs[^1].state_dict();
        bool differsFromLast = false;
        foreach (var (name, tensor) in mean.state_dict())
        {
            if (torch.is_floating_point(tensor))
            {
                using var expected = epochs.Select(m => m.state_dict()[name]).Aggregate((a, b) => a + b) / 3;
                Assert.True(tensor.allclose(expected, rtol: 1e-5, atol: 1e-6), name);
                differsFromLast |= !tensor.allclose(last[name], rtol: 0, atol: 1e-4);
            }
            else
            {
                Assert.True(tensor.eq(last[name]).all().item<bool>(), name);
            }
        }

        Assert.True(differsFromLast, "the average equals the last epoch's weights");
        foreach (var model in epochs)
        {
            model.Dispose();
        }

        // Stopped after epoch 3 and resumed: the same mean, bit for bit; also when the stop fell between the writes of
        // last.ckpt and average.ckpt (the mean is one epoch behind).
        foreach (bool behind in new[] { false, true })
        {
            string interrupted = Directory.CreateTempSubdirectory("segkit-run-").FullName;
            using var stop = new CancellationTokenSource();
            var stopAfterThree = new SynchronousProgress<EpochReport>(r =>
            {
                if (r.Epoch == 3)
                {
                    stop.Cancel();
                }
            });
            Assert.Throws<OperationCanceledException>(() => new Trainer(options, interrupted, stopAfterThree).Run(set, null, cancellation: stop.Token));
            if (behind)
            {
                File.Copy(Path.Combine(snapshots, "average2.ckpt"), Path.Combine(interrupted, Trainer.AverageCheckpointName), overwrite: true);
            }

            var resumed = new Trainer(options, interrupted).Run(set, null, resume: true);
            Assert.Equal(File.ReadAllBytes(average), File.ReadAllBytes(resumed.AverageCheckpoint!));
        }

        // Another averaging on --resume would mix two means: refused, naming last.ckpt.
        var other = Assert.Throws<InvalidImageException>(() => new Trainer(options with { AverageFrom = 3 }, straight).Run(set, null, resume: true));
        Assert.Contains("this run averages its weights from epoch 2", other.Message);
        Assert.Contains(Trainer.LastCheckpointName, other.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(options with { AverageFrom = 0 }, straight));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(options with { AverageFrom = 5 }, straight));

        string plain = Directory.CreateTempSubdirectory("segkit-run-").FullName;
        Assert.Null(new Trainer(TinyCellpose(1) with { BatchSize = 3 }, plain).Run(set, null).AverageCheckpoint);
        Assert.False(File.Exists(Path.Combine(plain, Trainer.AverageCheckpointName)));
    }

    [Fact]
    public void Checkpoints_round_trip_exactly()
    {
        TorchRuntime.EnsureLoaded();
        string output = Directory.CreateTempSubdirectory("segkit-ckpt-").FullName;
        string path = Path.Combine(output, "x.ckpt");
        torch.manual_seed(11);
        using var net = new CellposeNet(new CellposeNetOptions { Widths = [8, 16] });
        using var optimizer = torch.optim.AdamW(net.parameters());
        Checkpoint.Save(path, new Checkpoint("Cellpose", 4, 0.5, 2, "{}"), net, optimizer);
        torch.manual_seed(12);
        using var other = new CellposeNet(new CellposeNetOptions { Widths = [8, 16] });
        using var otherOptimizer = torch.optim.AdamW(other.parameters());
        var header = Checkpoint.Load(path, other, otherOptimizer);
        Assert.Equal(4, header.Epoch);
        using var scope = torch.NewDisposeScope();
        net.eval();
        other.eval();
        var input = torch.randn(1, 2, 32, 32);
        Assert.True(net.forward(input).Output.allclose(other.forward(input).Output, rtol: 0, atol: 0));
        File.WriteAllText(path, "garbage");
        Assert.Throws<InvalidImageException>(() => Checkpoint.ReadHeader(path));
    }

    [Fact]
    public void Mismatched_pairs_are_listed_before_training()
    {
        string data = SyntheticData.Write(images: 2, size: 32, seed: 3);
        File.Delete(Path.Combine(data, "masks", "img1.png"));
        File.Copy(Path.Combine(data, "images", "img0.png"), Path.Combine(data, "masks", "stray.png"));
        var e = Assert.Throws<InvalidImageException>(() => SegmentationDataset.Load(data, SegmentationModelKind.Cellpose));
        Assert.Contains("img1.png has no mask", e.Message);
        Assert.Contains("stray.png has no image", e.Message);
    }

    [Fact]
    public void A_diverging_run_stops_with_a_clear_message()
    {
        string data = SyntheticData.Write(images: 2, size: 64, seed: 4);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.Cellpose);
        var options = TinyCellpose(30) with { Optimizer = OptimizerKind.Sgd, LearningRate = 1e12, BatchSize = 2 };
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(options, Directory.CreateTempSubdirectory("segkit-run-").FullName).Run(set, null));
        Assert.Contains("the loss became", e.Message);
    }

    [Fact]
    public void The_learning_rate_schedule_is_cellposes()
    {
        double[] lr = LearningRateSchedule.Build(0.005, 120);
        Assert.Equal(120, lr.Length);
        Assert.Equal(0, lr[0]);
        Assert.Equal(0.005, lr[9], 12);
        Assert.Equal(0.005, lr[69], 12);
        Assert.Equal(0.0025, lr[70], 12);
        Assert.Equal(0.005 / 1024, lr[119], 12);
        Assert.Equal(5, LearningRateSchedule.Build(0.1, 5).Length);
        Assert.Equal("Epochs", Assert.Throws<ArgumentOutOfRangeException>(() => TinyCellpose(0).Validate()).ParamName);
    }
}

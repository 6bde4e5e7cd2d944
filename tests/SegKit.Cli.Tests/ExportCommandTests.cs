using SegKit.Export;
using SegKit.Imaging;
using SegKit.Inference;
using SegKit.Onnx;
using SegKit.Testing;
using SegKit.Training.Data;
using SegKit.Training.Models;
using SegKit.Training.Training;
using TorchSharp;

namespace SegKit.Cli.Tests;

public class ExportCommandTests
{
    [Theory]
    [InlineData(UNetPadding.Same)]
    [InlineData(UNetPadding.Valid)]
    public void A_trained_unet_exports_loads_and_segments(UNetPadding padding)
    {
        string data = SyntheticData.Write(images: 4, size: 64, seed: 1);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.UNet);
        string run = Repo.NewTempDir();
        UNetOptions unet = padding == UNetPadding.Same ? UNetOptions.Modern with { Depth = 2, BaseWidth = 4 } : UNetOptions.Original2015 with { Depth = 2, BaseWidth = 4 };
        var options = new TrainerOptions { Kind = SegmentationModelKind.UNet, UNet = unet, Epochs = 2, BatchSize = 2, PatchSize = 64, LearningRate = 0.01, ValidateEvery = 1, Seed = 3 };
        var result = new Trainer(options, run).Run(set, set);
        string checkpoint = result.BestCheckpoint ?? result.LastCheckpoint;

        string model = Path.Combine(run, "model.onnx");
        var export = CliRun.Of("export", checkpoint, "--out", model, "--training-data", "synthetic discs");
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("max difference", export.Out);

        using (var loaded = SegmentationModel.Load(model))
        {
            Assert.Equal(SegmentationModelKind.UNet, loaded.Card.Kind);
            Assert.Equal(["image:gray"], loaded.Card.InputChannels);
            Assert.Equal(["background", "foreground"], loaded.Card.Classes);
            Assert.Equal(64, loaded.Card.TileSize);
            Assert.Equal(padding == UNetPadding.Valid ? 20 : 0, loaded.Card.Halo); // 64 -> 24 for a depth-2 valid U-Net
            Assert.Equal(result.BestMetric, loaded.Card.ValidationMetrics["foreground_iou"]);
            Assert.StartsWith($"synthetic discs; {result.BestEpoch} epochs", loaded.Card.TrainingData); // the best checkpoint's epoch
            Assert.Equal(UNetExporter.OutputName, loaded.OutputName);
        }

        // The file holds the checkpoint's network: imported back, it computes exactly what the checkpoint does.
        var (trained, _, _) = Trainer.LoadModel(checkpoint);
        using (trained)
        using (var imported = (UNet)OnnxWeightImporter.Load(model))
        using (var scope = torch.NewDisposeScope())
        {
            Assert.Equal(unet, imported.Options with { InputChannels = unet.InputChannels, Classes = unet.Classes });
            var input = torch.randn(1, 1, 64, 64);
            Assert.Equal(((UNet)trained).forward(input).data<float>().ToArray(), imported.forward(input).data<float>().ToArray());
        }

        string outDir = Repo.NewTempDir();
        var segment = CliRun.Of("segment", Path.Combine(data, "images"), "--out", outDir, "--model", model);
        Assert.True(segment.ExitCode == 0, segment.ToString());
        var labels = LabelImageFile.Read(Path.Combine(outDir, "img0_masks.tif"));
        Assert.Equal((64, 64), (labels.Height, labels.Width));
    }
}

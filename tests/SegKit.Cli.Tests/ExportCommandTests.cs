using SegKit.Cli.Commands;
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

        // The same checkpoint with float16 weights: measured against TorchSharp's float32 network, and smaller.
        string half = Path.Combine(run, "model16.onnx");
        var export16 = CliRun.Of("export", checkpoint, "--out", half, "--weights", "fp16");
        Assert.True(export16.ExitCode == 0, export16.ToString());
        Assert.True(new FileInfo(half).Length < new FileInfo(model).Length * 0.75, $"{new FileInfo(half).Length} vs {new FileInfo(model).Length} bytes");
    }

    [Fact]
    public void The_shipped_nuclei_model_converts_to_float16_weights_that_load_segment_and_fine_tune()
    {
        string source = Path.Combine(Repo.Root, "models", "nuclei.onnx");
        string half = Path.Combine(Repo.NewTempDir(), "nuclei16.onnx");

        var run = CliRun.Of("export", source, "--weights", "fp16", "--out", half);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("vs the float32 model max difference", run.Out);
        Assert.InRange(new FileInfo(half).Length, 0.45 * new FileInfo(source).Length, 0.55 * new FileInfo(source).Length);
        using (var original = SegmentationModel.Load(source))
        using (var converted = SegmentationModel.Load(half))
        {
            Assert.Equal(original.Card with { SegKitVersion = converted.Card.SegKitVersion }, converted.Card);
        }

        // --init reads the float16 weights back as float32: each equals the original rounded to float16.
        using var full = (CellposeNet)OnnxWeightImporter.Load(source);
        using var imported = (CellposeNet)OnnxWeightImporter.Load(half);
        var weights = imported.state_dict();
        foreach (var (name, value) in full.state_dict().Where(e => e.Key.EndsWith("weight", StringComparison.Ordinal) && e.Value.dim() == 4))
        {
            Assert.Equal(value.data<float>().ToArray().Select(v => (float)(Half)v), weights[name].data<float>().ToArray());
        }

        var again = CliRun.Of("export", half, "--weights", "fp16", "--out", Path.Combine(Repo.NewTempDir(), "twice.onnx"));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already converted", again.Error);
    }

    [Fact]
    public void The_float16_val_gate_writes_the_model_with_both_figures_when_they_agree()
    {
        string source = Path.Combine(Repo.Root, "models", "nuclei.onnx");
        string samples = Path.Combine(Repo.Root, "models", "samples");
        string half = Path.Combine(Repo.NewTempDir(), "nuclei16.onnx");
        string json = Path.Combine(Repo.NewTempDir(), "eval.json");
        var eval = CliRun.Of("eval", "--model", source, "--images", Path.Combine(samples, "images"), "--masks", Path.Combine(samples, "masks"), "--json", json, "--out", Repo.NewTempDir());
        Assert.True(eval.ExitCode == 0, eval.ToString());
        double measured = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("total").GetProperty("per_threshold")[0].GetProperty("average_precision").GetDouble();

        var run = CliRun.Of("export", source, "--weights", "fp16", "--out", half, "--val", samples);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"float32 {measured:0.0000}"), run.Out);
        using var converted = SegmentationModel.Load(half);
        // The float32 figure is what segkit eval measures on the same folder; float16 is within the gate's 0.005 of it.
        Assert.Equal(measured, converted.Card.ValidationMetrics["float32_ap@0.5"], 6);
        Assert.InRange(converted.Card.ValidationMetrics["float16_ap@0.5"], measured - 0.005, measured + 0.005);
    }

    [Theory]
    [InlineData(0.7215, 0.7043, false)] // the first shipped model on val: its size model's estimates moved
    [InlineData(0.7146, 0.7111, true)]
    [InlineData(0.7000, 0.7049, true)]
    [InlineData(0.7000, 0.7051, false)] // better by more than the bound is refused too: the gate asks for the same model
    [InlineData(double.NaN, 0.7, false)]
    public void The_float16_gate_accepts_AP_within_the_bound_either_way(double full, double half, bool accepted) =>
        Assert.Equal(accepted, ExportCommand.Float16Accepted(full, half));

    [SharedDataFact]
    [Trait("Category", RepositoryLayout.SharedDataCategory)]
    public void The_float16_val_gate_on_val_writes_the_model_only_when_the_figures_it_prints_agree()
    {
        string half = Path.Combine(Repo.NewTempDir(), "nuclei16.onnx");
        var run = CliRun.Of("export", Path.Combine(Repo.Root, "models", "nuclei.onnx"), "--weights", "fp16", "--out", half, "--val", Path.Combine(RepositoryLayout.SharedDataPath, "nuclei-dsb2018", "val"));

        var figures = System.Text.RegularExpressions.Regex.Match(run.Out, @"float32 (\d\.\d+), float16 (\d\.\d+)");
        Assert.True(figures.Success, run.ToString());
        double full = double.Parse(figures.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        double halfAp = double.Parse(figures.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (ExportCommand.Float16Accepted(full, halfAp))
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(full, ModelCard.ReadFile(half).ValidationMetrics["float32_ap@0.5"], 4);
        }
        else
        {
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("nothing was written", run.Error);
            Assert.False(File.Exists(half));
        }
    }

    [Fact]
    public void Figures_measured_on_an_exported_model_are_recorded_in_a_copys_card()
    {
        string source = Path.Combine(Repo.Root, "models", "nuclei.onnx");
        ModelCard before = ModelCard.ReadFile(source);
        string copy = Path.Combine(Repo.NewTempDir(), "scored.onnx");
        var run = CliRun.Of("export", source, "--out", copy, "--metric", "ap@0.5=0.5", "--metric", "holdout_ap@0.5=0.25");
        Assert.True(run.ExitCode == 0, run.ToString());

        ModelCard after = ModelCard.ReadFile(copy);
        Assert.Equal(0.5, after.ValidationMetrics["ap@0.5"]);
        Assert.Equal(0.25, after.ValidationMetrics["holdout_ap@0.5"]);
        Assert.All(before.ValidationMetrics.Where(m => m.Key is not ("ap@0.5" or "holdout_ap@0.5")), m => Assert.Equal(m.Value, after.ValidationMetrics[m.Key]));
        Assert.Equal(before with { ValidationMetrics = after.ValidationMetrics }, after);
        Assert.Equal(OnnxReader.ReadFile(source).Graph.Initializers.Count, OnnxReader.ReadFile(copy).Graph.Initializers.Count);

        // Without figures to record an ONNX model is refused as before, naming what it can do.
        var nothing = CliRun.Of("export", source, "--out", Path.Combine(Repo.NewTempDir(), "x.onnx"));
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("--metric NAME=VALUE", nothing.Error);
    }

    [Fact]
    public void A_flow_threshold_chosen_on_validation_images_is_recorded_in_a_copys_card_and_used_by_default()
    {
        string source = Path.Combine(Repo.Root, "models", "nuclei.onnx");
        string copy = Path.Combine(Repo.NewTempDir(), "strict.onnx");
        var run = CliRun.Of("export", source, "--out", copy, "--flow-threshold", "0.4");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("flow threshold 0.4 recorded", run.Out);
        Assert.Equal(ModelCard.ReadFile(source) with { FlowThreshold = 0.4 }, ModelCard.ReadFile(copy));
        Assert.Matches(@"flow threshold +0\.4 \(the card's", CliRun.Of("info", copy).Out);

        // segkit segment takes the card's threshold unless --flow-threshold is given: the shipped card's (1) keeps more
        // masks on this sample than the copy's 0.4, and giving either value explicitly reproduces the other model.
        string image = Path.Combine(Repo.Root, "models", "samples", "images", "dsb_912a679e.png");
        int Objects(string model, params string[] extra)
        {
            var segment = CliRun.Of(["segment", image, "--model", model, "--out", Repo.NewTempDir(), .. extra]);
            Assert.True(segment.ExitCode == 0, segment.ToString());
            return int.Parse(System.Text.RegularExpressions.Regex.Match(segment.Out, @"(\d+) objects in").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        int shipped = Objects(source);
        int strict = Objects(copy);
        Assert.True(shipped > strict, $"{shipped} objects with the shipped card, {strict} with 0.4");
        Assert.Equal(strict, Objects(source, "--flow-threshold", "0.4"));
        Assert.Equal(shipped, Objects(copy, "--flow-threshold", "1"));
    }

    [Fact]
    public void A_flow_threshold_for_a_unet_a_checkpoint_or_below_zero_is_refused()
    {
        string target = Path.Combine(Repo.NewTempDir(), "x.onnx");
        var unet = CliRun.Of("export", Path.Combine(Repo.Root, "models", "membranes.onnx"), "--out", target, "--flow-threshold", "1");
        Assert.Equal(2, unet.ExitCode);
        Assert.Contains("is a UNet model, which has no flows", unet.Error);

        var negative = CliRun.Of("export", Path.Combine(Repo.Root, "models", "nuclei.onnx"), "--out", target, "--flow-threshold", "-1");
        Assert.Equal(2, negative.ExitCode);
        Assert.Contains("--flow-threshold must be 0 or more", negative.Error);

        var checkpoint = CliRun.Of("export", Path.Combine(Repo.NewTempDir(), "last.ckpt"), "--out", target, "--flow-threshold", "1");
        Assert.Equal(2, checkpoint.ExitCode);
        Assert.Contains("--flow-threshold records a setting in a copy's card", checkpoint.Error);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void The_float16_val_gate_needs_a_conversion_and_a_val_folder()
    {
        string source = Path.Combine(Repo.Root, "models", "nuclei.onnx");
        string target = Path.Combine(Repo.NewTempDir(), "x.onnx");
        var notHalf = CliRun.Of("export", source, "--out", target, "--val", Path.Combine(Repo.Root, "models", "samples"));
        Assert.Equal(2, notHalf.ExitCode);
        Assert.Contains("--val checks a float16 conversion", notHalf.Error);

        var noMasks = CliRun.Of("export", source, "--weights", "fp16", "--out", target, "--val", Path.Combine(Repo.Root, "models"));
        Assert.Equal(2, noMasks.ExitCode);
        Assert.Contains("needs the folders images/ and masks/", noMasks.Error);
        Assert.False(File.Exists(target));
    }
}

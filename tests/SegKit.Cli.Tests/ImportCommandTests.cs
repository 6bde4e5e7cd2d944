using SegKit.Export;
using SegKit.Onnx;
using SegKit.Training.Models;
using TorchSharp;
using static SegKit.Testing.CellposeModelFileWriter;

namespace SegKit.Cli.Tests;

public class ImportCommandTests
{
    [Fact]
    public void A_Cellpose_file_and_its_size_model_import_to_an_ONNX_model_that_computes_the_same_network()
    {
        string dir = Repo.NewTempDir();
        string cellposeFile = Path.Combine(dir, "cellpose_tiny");
        using CellposeNet original = TinyNetwork(seed: 21);
        Write(cellposeFile, Entries(original, diameterMean: 17, diameterLabels: 19.5f));
        File.WriteAllBytes(cellposeFile + "_size.npy", SizeModelNpy(Enumerable.Repeat(0.1, 8).ToArray(), new float[8], diameterMean: 17, ymean: 0.2f));
        string model = Path.Combine(dir, "out", "tiny.onnx");

        var run = CliRun.Of("import", "cellpose", cellposeFile, "--out", model);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("widths 4-8, diameter 17 px (diam_mean)", run.Out);
        Assert.Contains("size model: cellpose_tiny_size.npy", run.Out);
        Assert.Contains("diam_labels = 19.5 px", run.Out);
        Assert.Contains("max difference", run.Out);

        ModelCard card = ModelCard.ReadFile(model);
        Assert.Equal(SegmentationModelKind.Cellpose, card.Kind);
        Assert.Equal(17, card.Diameter);
        Assert.True(card.CellposeTilePadding);
        Assert.Equal(8, card.SizeModel!.StyleMean.Count);
        Assert.Equal(0.2, card.SizeModel.MeanLogRatio, 6);

        // The ONNX file holds the Cellpose file's network: loaded back for fine-tuning, it computes the same output.
        using var imported = (CellposeNet)OnnxWeightImporter.Load(model);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        torch.manual_seed(4);
        var input = torch.randn(1, 2, 32, 32);
        Assert.Equal(0f, (original.forward(input).Output - imported.forward(input).Output).abs().max().item<float>());

        // --diameter overrides diam_mean, and the size model is rescaled to keep Cellpose's estimates.
        var overridden = CliRun.Of("import", "cellpose", cellposeFile, "--out", model, "--diameter", "34");
        Assert.True(overridden.ExitCode == 0, overridden.ToString());
        ModelCard card34 = ModelCard.ReadFile(model);
        Assert.Equal(34, card34.Diameter);
        Assert.Equal(0.2 + Math.Log(17.0 / 34), card34.SizeModel!.MeanLogRatio, 6);
    }

    [Fact]
    public void A_Cellpose_file_with_code_in_its_pickle_is_refused_in_one_line_and_nothing_is_written()
    {
        string dir = Repo.NewTempDir();
        string evil = Path.Combine(dir, "evil_model");
        byte[] pickle = new PickleBytes().Proto(2).Global("os", "system").Unicode("echo owned").Op(0x85).Op('R').Op('.').ToArray();
        File.WriteAllBytes(evil, Archive("evil_model", pickle, []));
        string model = Path.Combine(dir, "evil.onnx");

        var run = CliRun.Of("import", "cellpose", evil, "--out", model);

        Assert.Equal(1, run.ExitCode);
        string line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"segkit: {evil}: ", line);
        Assert.Contains("refuses the pickle global 'os.system'", line);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void Usage_errors_exit_with_2()
    {
        Assert.Equal(2, CliRun.Of("import", "cellpose", "m", "--out", "x.onnx", "--diameter", "-3").ExitCode);
        Assert.Equal(2, CliRun.Of("import", "cellpose", "m", "--out", "x.onnx", "--size-model", "s.npy", "--no-size-model").ExitCode);
        Assert.Equal(2, CliRun.Of("import", "cellpose", "m").ExitCode);
    }
}

using SegKit.Interop.Cellpose;
using SegKit.Interop.Pickle;
using SegKit.Testing;
using SegKit.Training.Models;
using static SegKit.Testing.CellposeModelFileWriter;
using static TorchSharp.torch;

namespace SegKit.Interop.Tests;

/// <summary>Cellpose model files made here in Cellpose's format (the real one is in <see cref="CellposeReferenceTests"/>).</summary>
public sealed class CellposeModelFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("segkit-cellpose-file-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_tiny_network_saved_in_Cellposes_format_imports_to_the_same_outputs()
    {
        using CellposeNet original = TinyNetwork(seed: 1, widths: [4, 8, 12]);
        string path = Path.Combine(folder, "tiny");
        Write(path, Entries(original, diameterMean: 17, diameterLabels: 21.5f));

        CellposeModelFile file = CellposeModelFile.Read(path);
        Assert.Equal([4, 8, 12], file.Options.Widths);
        Assert.Equal((2, 3, 3), (file.Options.InputChannels, file.Options.OutputChannels, file.Options.Kernel));
        Assert.Equal(17.0, file.DiameterMean);
        Assert.Equal(21.5, file.DiameterLabels);

        using CellposeNet imported = CellposeModelImporter.CreateNetwork(file);
        Assert.Equal(17.0, imported.Options.DiameterMean);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        manual_seed(7);
        Tensor input = randn(2, 2, 32, 32);
        var (expected, expectedStyle) = original.forward(input);
        var (actual, actualStyle) = imported.forward(input);
        Assert.True(expected.abs().max().item<float>() > 0.01f, "a network whose output is zero would make the comparison empty");
        Assert.Equal(0f, (expected - actual).abs().max().item<float>());
        Assert.Equal(0f, (expectedStyle - actualStyle).abs().max().item<float>());
    }

    [Fact]
    public void The_card_records_Cellposes_diameters_tile_and_padding()
    {
        using CellposeNet net = TinyNetwork(seed: 2);
        string path = Path.Combine(folder, "cells");
        Write(path, Entries(net, diameterMean: 30, diameterLabels: 24.25f));
        CellposeModelFile file = CellposeModelFile.Read(path);

        var card = CellposeModelImporter.CreateCard(file, diameter: null, sizeModel: null, "test");
        Assert.Equal(30, card.Diameter);
        Assert.Equal(224, card.TileSize);
        Assert.True(card.CellposeTilePadding);
        Assert.Equal(["cytoplasm:gray", "nucleus:none"], card.InputChannels);
        Assert.Contains("diam_labels 24.25", card.TrainingData);
        Assert.Contains("widths 4-8", card.TrainingData);
        Assert.Equal(25, CellposeModelImporter.CreateCard(file, diameter: 25, sizeModel: null, "test").Diameter);
    }

    [Fact]
    public void A_file_without_diam_mean_needs_a_diameter()
    {
        using CellposeNet net = TinyNetwork(seed: 3);
        string path = Path.Combine(folder, "old");
        Write(path, Entries(net).Where(e => e.Name is not ("diam_mean" or "diam_labels")).ToList());
        CellposeModelFile file = CellposeModelFile.Read(path);
        Assert.Null(file.DiameterMean);

        var e = Assert.Throws<ModelFileException>(() => CellposeModelImporter.CreateNetwork(file));
        Assert.Contains(path, e.Message);
        Assert.Contains("no diam_mean", e.Message);
        using CellposeNet withDiameter = CellposeModelImporter.CreateNetwork(file, diameter: 30);
        Assert.Equal(30, withDiameter.Options.DiameterMean);
    }

    [Fact]
    public void A_missing_weight_is_refused_naming_it_and_the_file()
    {
        using CellposeNet net = TinyNetwork(seed: 4);
        string path = Path.Combine(folder, "missing");
        Write(path, Entries(net).Where(e => e.Name != "upsample.up.res_up_0.conv.conv_2.full.weight").ToList());

        var e = Assert.Throws<ModelFileException>(() => CellposeModelImporter.CreateNetwork(CellposeModelFile.Read(path)));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("has no weight 'upsample.up.res_up_0.conv.conv_2.full.weight' [4, 8]", e.Message);
    }

    [Fact]
    public void An_extra_weight_is_refused_naming_it()
    {
        using CellposeNet net = TinyNetwork(seed: 5);
        string path = Path.Combine(folder, "extra");
        var entries = Entries(net);
        entries.Add(new Entry("upsample.up.res_up_0.conv.conv_4.conv.2.weight", [4, 4, 3, 3], new float[144]));
        entries.Add(new Entry("attention.query.weight", [2, 2], new float[4]));
        Write(path, entries);

        var e = Assert.Throws<ModelFileException>(() => CellposeModelImporter.CreateNetwork(CellposeModelFile.Read(path)));
        Assert.Contains(path, e.Message);
        Assert.Contains("has no place for: 'upsample.up.res_up_0.conv.conv_4.conv.2.weight', 'attention.query.weight'", e.Message);
    }

    [Fact]
    public void A_weight_of_the_wrong_shape_is_refused_with_both_shapes()
    {
        using CellposeNet net = TinyNetwork(seed: 6);
        string path = Path.Combine(folder, "shape");
        var entries = Entries(net)
            .Select(e => e.Name == "upsample.up.res_up_1.proj.1.weight" ? e with { Shape = [4, 2, 1, 1], Floats = e.Floats![..8] } : e)
            .ToList();
        Write(path, entries);

        var e = Assert.Throws<ModelFileException>(() => CellposeModelImporter.CreateNetwork(CellposeModelFile.Read(path)));
        Assert.Contains(path, e.Message);
        Assert.Contains("weight 'upsample.up.res_up_1.proj.1.weight' is Float32 [4, 2, 1, 1]; a Cellpose network with widths 4-8 needs Float32 [8, 8, 1, 1]", e.Message);
    }

    [Fact]
    public void Three_input_channels_are_refused()
    {
        SegKit.Training.TorchRuntime.EnsureLoaded();
        using var net = new CellposeNet(new CellposeNetOptions { InputChannels = 3, Widths = [4, 8] });
        string path = Path.Combine(folder, "rgb");
        Write(path, Entries(net));

        var e = Assert.Throws<ModelFileException>(() => CellposeModelFile.Read(path));
        Assert.Equal(path + ": the network takes 3 input channels; SegKit runs Cellpose networks with 2 (cytoplasm and nucleus, as Cellpose v2/v3 train them)", e.Message);
    }

    [Fact]
    public void A_state_dict_that_is_not_a_CPnet_is_refused()
    {
        string path = Path.Combine(folder, "sam");
        Write(path, [new Entry("encoder.patch_embed.proj.weight", [2, 2], [1, 2, 3, 4])]);

        var e = Assert.Throws<ModelFileException>(() => CellposeModelFile.Read(path));
        Assert.Contains("not a Cellpose v2/v3 network (CPnet)", e.Message);
        Assert.Contains("Cellpose-SAM", e.Message);
    }

    [Theory]
    [InlineData("os", "system")]
    [InlineData("posix", "system")]
    [InlineData("builtins", "eval")]
    [InlineData("subprocess", "Popen")]
    [InlineData("torch", "load")]
    public void A_pickle_that_holds_code_is_refused_and_nothing_runs(string module, string name)
    {
        string marker = Path.Combine(folder, "ran");
        var p = new PickleBytes().Proto(2).Global(module, name).Unicode($"touch {marker}").Op(0x85).Op('R').Op('.');
        string path = Path.Combine(folder, "evil");
        File.WriteAllBytes(path, Archive("evil", p.ToArray(), []));

        var e = Assert.Throws<PickleCodeException>(() => CellposeModelFile.Read(path));
        Assert.Equal($"{module}.{name}", e.Global);
        Assert.Equal(path, e.FilePath);
        Assert.Contains($"refuses the pickle global '{module}.{name}'", e.Message);
        Assert.Contains("evil/data.pkl at byte 2", e.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Code_hidden_behind_STACK_GLOBAL_inside_a_state_dict_is_refused()
    {
        using CellposeNet net = TinyNetwork(seed: 8);
        byte[] good = StateDictPickle(Entries(net));
        // Replace the final SETITEMS + STOP with one more entry whose value calls builtins.exec, then close the dict.
        var p = new PickleBytes().Raw(good.AsSpan(0, good.Length - 2))
            .Unicode("payload").Unicode("builtins").Unicode("exec").Op(0x93).Unicode("import os").Op(0x85).Op('R')
            .Op('u').Op('.');
        string path = Path.Combine(folder, "hidden");
        File.WriteAllBytes(path, Archive("hidden", p.ToArray(), Entries(net).Select(Storage).ToList()));

        var e = Assert.Throws<PickleCodeException>(() => CellposeModelFile.Read(path));
        Assert.Equal("builtins.exec", e.Global);
    }

    [Fact]
    public void Files_that_are_not_torch_archives_are_refused_with_the_reason()
    {
        string text = Path.Combine(folder, "notes.txt");
        File.WriteAllText(text, "hello");
        Assert.Contains("not a PyTorch model archive", Assert.Throws<ModelFileException>(() => CellposeModelFile.Read(text)).Message);

        // PyTorch before 1.6 wrote a bare pickle stream.
        string legacy = Path.Combine(folder, "legacy.pth");
        File.WriteAllBytes(legacy, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
        var e = Assert.Throws<ModelFileException>(() => CellposeModelFile.Read(legacy));
        Assert.Contains("before 1.6", e.Message);
        Assert.Contains(legacy, e.Message);

        string missing = Path.Combine(folder, "absent");
        Assert.Contains("not found", Assert.Throws<ModelFileException>(() => CellposeModelFile.Read(missing)).Message);
    }

    [Fact]
    public void A_strided_tensor_is_read_in_row_major_order()
    {
        // A [2, 3] view with strides [1, 2] of storage 0..5 (a transposed [3, 2]): rows are 0 2 4 and 1 3 5.
        var p = new PickleBytes().Proto(2).Op('}').Op('(')
            .Unicode("t").Global("torch._utils", "_rebuild_tensor_v2").Op('(')
            .Op('(').Unicode("storage").Global("torch", "FloatStorage").Unicode("0").Unicode("cpu").Int(6).Op('t').Op('Q')
            .Int(0).Tuple([2, 3]).Tuple([1, 2]).Byte(0x89).Op('}').Op('t').Op('R')
            .Op('u').Op('.');
        string path = Path.Combine(folder, "strided");
        File.WriteAllBytes(path, Archive("strided", p.ToArray(), [Storage(new Entry("s", [6], [0, 1, 2, 3, 4, 5]))]));

        var tensors = SegKit.Interop.Torch.TorchArchive.ReadStateDictionary(path);
        Assert.Equal([0f, 2, 4, 1, 3, 5], tensors.Single().Value.Floats!);
        Assert.Equal([2L, 3], tensors.Single().Value.Shape);
    }

    [Fact]
    public void Cellposes_size_model_file_gives_the_same_estimate_as_Cellposes_formula()
    {
        var random = new Random(3);
        double[] a = Enumerable.Range(0, 8).Select(_ => random.NextDouble() - 0.5).ToArray();
        float[] smean = Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble()).ToArray();
        string path = Path.Combine(folder, "model_size.npy");
        File.WriteAllBytes(path, SizeModelNpy(a, smean, diameterMean: 17, ymean: 0.125f));

        var (parameters, diameterMean) = CellposeSizeModelFile.Read(path);
        Assert.Equal(17, diameterMean);
        Assert.Equal(smean, parameters.StyleMean);
        Assert.Equal(a.Select(v => (float)v), parameters.Coefficients);
        Assert.Equal(0.125, parameters.MeanLogRatio);

        float[] style = Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble()).ToArray();
        double cellpose = Math.Exp(a.Select((v, i) => v * (style[i] - smean[i])).Sum() + Math.Log(17) + 0.125);
        Assert.Equal(cellpose, parameters.Estimate(style, 17), 4);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, 0f, "diam_mean is Infinity, not a positive finite diameter")]
    [InlineData(double.NaN, 0f, "diam_mean is NaN")]
    [InlineData(17.0, float.NegativeInfinity, "ymean is -Infinity, not a finite number")]
    [InlineData(17.0, float.NaN, "ymean is NaN")]
    public void A_size_model_with_a_non_finite_diameter_or_mean_is_refused_naming_the_file(double diameterMean, float ymean, string problem)
    {
        string path = Path.Combine(folder, "inf_size.npy");
        File.WriteAllBytes(path, SizeModelNpy([0.5], [0.1f], diameterMean, ymean));

        var e = Assert.Throws<ModelFileException>(() => CellposeSizeModelFile.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void A_size_model_for_another_diameter_is_rescaled_to_the_cards()
    {
        double[] a = [0.5, -0.25];
        float[] smean = [0.1f, 0.2f];
        string path = Path.Combine(folder, "m_size.npy");
        File.WriteAllBytes(path, SizeModelNpy(a, smean, diameterMean: 17, ymean: 0.25f));
        var (parameters, diameterMean) = CellposeSizeModelFile.Read(path);

        var rescaled = CellposeModelImporter.ForModelDiameter(parameters, diameterMean, modelDiameter: 30);
        float[] style = [0.4f, 0.7f];
        Assert.Equal(parameters.Estimate(style, 17), rescaled.Estimate(style, 30), 9);
    }
}

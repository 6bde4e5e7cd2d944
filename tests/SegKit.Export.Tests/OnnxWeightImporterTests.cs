using SegKit.Onnx;
using SegKit.Training;
using SegKit.Training.Models;
using TorchSharp;

namespace SegKit.Export.Tests;

public class OnnxWeightImporterTests
{
    public OnnxWeightImporterTests() => TorchRuntime.EnsureLoaded();

    private static string TempFile(string name) => Path.Combine(Directory.CreateTempSubdirectory("segkit-import-").FullName, name);

    private static CellposeNet TrainedLookingCellpose()
    {
        torch.manual_seed(5);
        var net = new CellposeNet(new CellposeNetOptions { Widths = [8, 16, 32] });
        net.train();
        using (var scope = torch.NewDisposeScope())
        {
            for (int i = 0; i < 3; i++)
            {
                net.forward((torch.randn(2, 2, 32, 32) * 2) + 0.5);
            }
        }

        net.eval();
        return net;
    }

    private static void AssertSameInitializers(OnnxModel expected, OnnxModel actual)
    {
        Assert.Equal(expected.Graph.Initializers.Select(t => t.Name), actual.Graph.Initializers.Select(t => t.Name));
        foreach (var (a, b) in expected.Graph.Initializers.Zip(actual.Graph.Initializers))
        {
            Assert.Equal(a.Dims, b.Dims);
            Assert.True(a.RawData.AsSpan().SequenceEqual(b.RawData), $"initializer {a.Name} differs");
        }
    }

    [Theory]
    [InlineData(UNetPadding.Same, UNetUpsampling.TransposedConvolution, UNetSkip.Concatenate, true)]
    [InlineData(UNetPadding.Valid, UNetUpsampling.Nearest, UNetSkip.Add, false)]
    [InlineData(UNetPadding.Same, UNetUpsampling.Bilinear, UNetSkip.Add, true)]
    public void UNet_export_import_export_is_byte_identical(UNetPadding padding, UNetUpsampling upsampling, UNetSkip skip, bool batchNorm)
    {
        var options = new UNetOptions { Depth = 2, BaseWidth = 4, Classes = 3, InputChannels = 2, Padding = padding, Upsampling = upsampling, Skip = skip, BatchNorm = batchNorm };
        using var net = UNetExporterTests.TrainedLooking(options);
        OnnxModel first = UNetExporter.Export(net);
        string path = TempFile("unet.onnx");
        OnnxWriter.WriteFile(path, first);

        torch.manual_seed(77); // the imported network starts from other random weights
        using var imported = Assert.IsType<UNet>(OnnxWeightImporter.Load(path));
        Assert.Equal(options, imported.Options);
        Assert.False(imported.training);
        OnnxModel second = UNetExporter.Export(imported);
        AssertSameInitializers(first, second);
        Assert.Equal(OnnxWriter.ToBytes(first), OnnxWriter.ToBytes(second));

        using var scope = torch.NewDisposeScope();
        var input = torch.randn(1, 2, 64, 64);
        Assert.Equal(net.forward(input).data<float>().ToArray(), imported.forward(input).data<float>().ToArray());
        if (batchNorm)
        {
            var stats = imported.state_dict().Where(e => e.Key.EndsWith("running_var", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(stats);
            Assert.All(stats, e => Assert.NotEqual(1f, e.Value.data<float>()[0])); // trained statistics, not the initial ones
        }
    }

    [Fact]
    public void Cellpose_export_import_export_is_byte_identical_with_or_without_the_architecture_keys()
    {
        using var net = TrainedLookingCellpose();
        var card = new ModelCard { Kind = SegmentationModelKind.Cellpose, InputChannels = ["cytoplasm", "nucleus"], Diameter = 17, TileSize = 64, TrainingData = "none", SegKitVersion = "test" };
        OnnxModel first = CellposeNetExporter.Export(net, card);
        byte[] bytes = OnnxWriter.ToBytes(first);

        torch.manual_seed(77);
        using var imported = Assert.IsType<CellposeNet>(OnnxWeightImporter.Load(OnnxReader.Read(bytes), "cellpose.onnx"));
        Assert.Equal([8, 16, 32], imported.Options.Widths);
        Assert.Equal(17, imported.Options.DiameterMean);
        Assert.Equal(bytes, OnnxWriter.ToBytes(CellposeNetExporter.Export(imported, card)));

        // A file exported before the architecture was recorded: the weights tell a Cellpose network's shape.
        OnnxModel old = OnnxReader.Read(bytes);
        foreach (string key in old.Metadata.Keys.Where(k => k.StartsWith(NetworkArchitecture.Prefix, StringComparison.Ordinal)).ToList())
        {
            old.Metadata.Remove(key);
        }

        using var fromWeights = Assert.IsType<CellposeNet>(OnnxWeightImporter.Load(old, "old.onnx"));
        AssertSameInitializers(first, CellposeNetExporter.Export(fromWeights));
        using var scope = torch.NewDisposeScope();
        var input = torch.randn(1, 2, 32, 32);
        Assert.Equal(net.forward(input).Output.data<float>().ToArray(), fromWeights.forward(input).Output.data<float>().ToArray());
    }

    [Fact]
    public void Weights_that_do_not_fit_are_named_and_nothing_is_loaded()
    {
        using var net = UNetExporterTests.TrainedLooking(UNetOptions.Modern with { Depth = 2, BaseWidth = 4 });
        OnnxModel model = UNetExporter.Export(net);

        torch.manual_seed(3);
        using var wider = new UNet(UNetOptions.Modern with { Depth = 2, BaseWidth = 8 });
        float before = wider.state_dict()["head.bias"].data<float>()[0];
        var shape = Assert.Throws<ModelImportException>(() => OnnxWeightImporter.LoadInto(wider, model, "small.onnx"));
        Assert.Contains("small.onnx", shape.Message);
        Assert.Contains("weight 'down.0.conv0.weight' is Float [4, 1, 3, 3], the UNet needs Float [8, 1, 3, 3]", shape.Message);
        Assert.Equal(before, wider.state_dict()["head.bias"].data<float>()[0]);

        using var deeper = new UNet(UNetOptions.Modern with { Depth = 3, BaseWidth = 4 });
        var missing = Assert.Throws<ModelImportException>(() => OnnxWeightImporter.LoadInto(deeper, model, "small.onnx"));
        Assert.Contains("has no weight 'down.3.conv0.weight'", missing.Message);

        using var shallower = new UNet(UNetOptions.Modern with { Depth = 1, BaseWidth = 4 });
        var extra = Assert.Throws<ModelImportException>(() => OnnxWeightImporter.LoadInto(shallower, model, "small.onnx"));
        Assert.Contains("'down.2.conv0.weight'", extra.Message);
    }

    [Fact]
    public void A_wider_cellpose_network_narrows_into_its_first_channels_only_when_asked()
    {
        using var wide = TrainedLookingCellpose(); // widths 8-16-32
        OnnxModel model = CellposeNetExporter.Export(wide);
        torch.manual_seed(9);
        using var narrow = new CellposeNet(new CellposeNetOptions { Widths = [4, 8, 16] });

        var refused = Assert.Throws<ModelImportException>(() => OnnxWeightImporter.LoadInto(narrow, model, "wide.onnx"));
        Assert.Contains("the CellposeNet needs Float [", refused.Message);
        OnnxWeightImporter.LoadInto(narrow, model, "wide.onnx", narrow: true);

        var wideState = wide.state_dict();
        int compared = 0;
        foreach (var (name, value) in narrow.state_dict().Where(e => !e.Key.EndsWith(".num_batches_tracked", StringComparison.Ordinal)))
        {
            torch.Tensor block = wideState[name];
            for (int d = 0; d < value.shape.Length; d++)
            {
                block = block.narrow(d, 0, value.shape[d]);
            }

            Assert.Equal(block.contiguous().data<float>().ToArray(), value.data<float>().ToArray());
            compared++;
        }

        Assert.True(compared > 40, $"{compared} tensors");
        // The narrowed network runs and gives finite outputs of its own shape.
        narrow.eval();
        using var scope = torch.NewDisposeScope();
        var output = narrow.forward(torch.randn(1, 2, 32, 32)).Output;
        Assert.Equal(new long[] { 1, 3, 32, 32 }, output.shape);
        Assert.All(output.data<float>().ToArray(), v => Assert.True(float.IsFinite(v)));

        // A narrower model cannot widen a network.
        using var wider = new CellposeNet(new CellposeNetOptions { Widths = [16, 32, 64] });
        var widen = Assert.Throws<ModelImportException>(() => OnnxWeightImporter.LoadInto(wider, model, "wide.onnx", narrow: true));
        Assert.Contains("or wider in each dimension", widen.Message);
    }

    [Fact]
    public void A_unet_without_its_architecture_or_with_a_damaged_one_is_refused()
    {
        using var net = UNetExporterTests.TrainedLooking(UNetOptions.Modern with { Depth = 2, BaseWidth = 4 });
        var card = new ModelCard { Kind = SegmentationModelKind.UNet, InputChannels = ["gray"], Classes = ["background", "foreground"], TileSize = 64, TrainingData = "none", SegKitVersion = "test" };
        OnnxModel model = UNetExporter.Export(net, card);

        model.Metadata["segkit.architecture.upsampling"] = "cubic";
        var damaged = Assert.Throws<ModelImportException>(() => OnnxWeightImporter.Load(model, "u.onnx"));
        Assert.Contains("'segkit.architecture.upsampling' is 'cubic', expected 'transposed_convolution' or 'nearest' or 'bilinear'", damaged.Message);

        foreach (string key in model.Metadata.Keys.Where(k => k.StartsWith(NetworkArchitecture.Prefix, StringComparison.Ordinal)).ToList())
        {
            model.Metadata.Remove(key);
        }

        var missing = Assert.Throws<ModelImportException>(() => OnnxWeightImporter.Load(model, "u.onnx"));
        Assert.Contains("segkit.architecture.family", missing.Message);
        Assert.Throws<ModelImportException>(() => OnnxWeightImporter.Load(TempFile("absent.onnx")));
    }
}

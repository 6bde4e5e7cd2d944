using SegKit.Testing;
using SegKit.Onnx;

namespace SegKit.Inference.Tests;

public class SegmentationModelTests
{
    private static readonly ModelCard CellposeCard = new()
    {
        Kind = SegmentationModelKind.Cellpose,
        InputChannels = ["cytoplasm", "nucleus"],
        Diameter = 30,
        TileSize = 64,
        TrainingData = "none",
        SegKitVersion = "test",
    };

    /// <summary>A pointwise convolution from <paramref name="inputs"/> to <paramref name="outputs"/> channels, optionally with a card.</summary>
    internal static string Write(int inputs, int outputs, ModelCard? card)
    {
        var g = new GraphBuilder("pointwise");
        g.Input("x", OnnxElementType.Float, "N", inputs, "H", "W");
        g.Initializer("w", new float[outputs * inputs], outputs, inputs, 1, 1);
        g.Node("Conv", ["x", "w"], ["y"]);
        g.Output("y", OnnxElementType.Float, "N", outputs, "H", "W");
        string path = Path.Combine(Directory.CreateTempSubdirectory("segkit-model-").FullName, "m.onnx");
        OnnxWriter.WriteFile(path, g.ToModel(card?.ToMetadata()));
        return path;
    }

    [Fact]
    public void A_model_with_a_card_loads_with_its_names()
    {
        using var model = SegmentationModel.Load(Write(2, 3, CellposeCard));
        Assert.Equal(SegmentationModelKind.Cellpose, model.Card.Kind);
        Assert.Equal(("x", "y", 3), (model.InputName, model.OutputName, model.OutputChannels));
    }

    [Fact]
    public void A_foreign_model_needs_a_card_override()
    {
        string path = Write(2, 3, null);
        var e = Assert.Throws<ModelLoadException>(() => SegmentationModel.Load(path));
        Assert.Contains("no SegKit model card", e.Message);
        using var model = SegmentationModel.Load(path, CellposeCard);
        Assert.Equal(30, model.Card.Diameter);
    }

    [Fact]
    public void Inputs_and_outputs_must_fit_the_card()
    {
        var channels = Assert.Throws<ModelLoadException>(() => SegmentationModel.Load(Write(1, 3, null), CellposeCard));
        Assert.Contains("2 input channel(s) but the network takes 1", channels.Message);
        var outputs = Assert.Throws<ModelLoadException>(() => SegmentationModel.Load(Write(2, 2, null), CellposeCard));
        Assert.Contains("needs 3 output channels", outputs.Message);
    }

    [Fact]
    public void A_model_loads_from_a_stream_with_the_same_checks()
    {
        string path = Write(2, 3, CellposeCard);
        using (var stream = File.OpenRead(path))
        using (var model = SegmentationModel.Load(stream, "embedded:nuclei.onnx"))
        {
            Assert.Equal(CellposeCard, model.Card);
            Assert.Equal("embedded:nuclei.onnx", model.Source);
        }

        using var truncated = new MemoryStream(File.ReadAllBytes(path)[..40]);
        var e = Assert.Throws<ModelLoadException>(() => SegmentationModel.Load(truncated, "embedded:broken.onnx"));
        Assert.Equal("embedded:broken.onnx", e.FilePath);
    }

    [Fact]
    public void Card_channels_give_the_channel_selection_and_missing_channels_are_refused()
    {
        Assert.Equal(SegKit.Core.Images.ChannelSelection.Gray, ModelChannels.Selection(CellposeCard));
        var colour = CellposeCard with { InputChannels = ["cytoplasm:green", "nucleus:blue"] };
        var selection = ModelChannels.Selection(colour);
        Assert.Equal(SegKit.Core.Images.ChannelSelection.FromCellpose(2, 3), selection);
        Assert.Equal(colour.InputChannels, ModelChannels.Describe(selection, SegmentationModelKind.Cellpose));

        var grey = new SegKit.Core.Images.Image(1, 4, 4);
        var e = Assert.Throws<SegKit.Core.InvalidImageException>(() => ModelChannels.Check(grey, selection, "cells.png"));
        Assert.Equal("cells.png", e.FilePath);
        Assert.Contains("has 1 channel(s) but the model reads green (channel 2)", e.Message);
        ModelChannels.Check(new SegKit.Core.Images.Image(3, 4, 4), selection, "rgb.png");

        // A stain channel reads no colour plane by number: a grey image is not refused (its haematoxylin plane is zeros).
        var stained = CellposeCard with { InputChannels = ["cytoplasm:gray", "nucleus:haematoxylin"] };
        var stain = ModelChannels.Selection(stained);
        Assert.Equal(SegKit.Core.Images.ChannelSelection.FromCellpose(0, 4), stain);
        Assert.Equal(stained.InputChannels, ModelChannels.Describe(stain, SegmentationModelKind.Cellpose));
        Assert.Equal(stain, ModelChannels.Selection(CellposeCard with { InputChannels = ["cytoplasm:grey", "nucleus:hematoxylin"] }));
        ModelChannels.Check(grey, stain, "cells.png");
    }

    [Fact]
    public void Images_above_the_size_limit_are_refused_with_the_limit_and_the_memory_they_need()
    {
        ImageSizeLimit.Check(8000, 8000, ImageSizeLimit.DefaultMegapixels, "ok.tif");
        var e = Assert.Throws<SegKit.Core.InvalidImageException>(() => ImageSizeLimit.Check(20_000, 20_000, ImageSizeLimit.DefaultMegapixels, "big.tif"));
        Assert.Contains("is 20000 x 20000 (400 megapixels), above the limit of 64 megapixels", e.Message);
        Assert.Contains("about 40 GB", e.Message);
        ImageSizeLimit.Check(20_000, 20_000, 500, "big.tif");
    }

    [Fact]
    public void A_cuda_request_that_cannot_be_met_warns_once_for_the_network_and_its_size_model_encoder()
    {
        // The shipped nuclei model has a size model, so a second session (its encoder) opens on first use.
        var logger = new ListLogger();
        using var model = SegmentationModel.Load(Path.Combine(RepositoryLayout.Root, "models", "nuclei.onnx"), device: ExecutionDevice.Cuda, logger: logger);
        Assert.NotNull(model.StyleNetwork);
        string? problem = OnnxSessions.CudaProblem(0);
        if (problem is null)
        {
            Assert.Empty(logger.Warnings);
            return;
        }

        Assert.Equal($"CUDA was requested but {problem}; running on the CPU", Assert.Single(logger.Warnings));
        Assert.Contains(OnnxSessions.CudaAvailable() ? "CUDA could not be started on device 0" : "build with -p:SegKitGpu=true", problem);
    }
}

using SegKit.Core.Images;
using SegKit.Core.Transforms;
using SegKit.Onnx;
using SegKit.Testing;

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
    public void A_graph_exported_with_fixed_sizes_runs_one_tile_at_a_time_and_refuses_other_tiles_at_load()
    {
        // As torch.onnx.export writes a network without dynamic axes: [1, 1, 64, 64]; a 1x1 convolution doubling the input.
        string Fixed(int tileSize)
        {
            var g = new GraphBuilder("fixed");
            g.Input("x", OnnxElementType.Float, 1, 1, 64, 64);
            g.Initializer("w", [2f, -2f], 2, 1, 1, 1);
            g.Node("Conv", ["x", "w"], ["y"]);
            g.Output("y", OnnxElementType.Float, 1, 2, 64, 64);
            string path = Path.Combine(Directory.CreateTempSubdirectory("segkit-model-").FullName, "fixed.onnx");
            var card = new ModelCard { Kind = SegmentationModelKind.UNet, InputChannels = ["image:gray"], Classes = ["background", "cell"], TileSize = tileSize, TrainingData = "none", SegKitVersion = "test" };
            OnnxWriter.WriteFile(path, g.ToModel(card.ToMetadata()));
            return path;
        }

        using var model = SegmentationModel.Load(Fixed(64));
        var image = new Image(1, 150, 130);
        for (int i = 0; i < image.Buffer.Length; i++)
        {
            image.Buffer[i] = i % 97;
        }

        // 9 tiles, more than the graph's batch of 1 and than a batch of 4: every tile is computed.
        Image logits = new UNetSegmenter(new OnnxTileNetwork(model.Session, 2), model.CreateSegmenter().UNetOptions!).Logits(image);
        Image normalised = Normalization.Normalize99(image);
        for (int i = 0; i < normalised.Buffer.Length; i += 101)
        {
            Assert.Equal((2 * normalised.Buffer[i], -2 * normalised.Buffer[i]), (logits.Plane(0)[i], logits.Plane(1)[i]));
        }

        string other = Fixed(96);
        var e = Assert.Throws<ModelLoadException>(() => SegmentationModel.Load(other));
        Assert.Contains(other, e.Message);
        Assert.Contains("its input 'x' is fixed at 64 x 64 pixels but its card's tiles are 96 x 96", e.Message);
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

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
    private static string Write(int inputs, int outputs, ModelCard? card)
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
}

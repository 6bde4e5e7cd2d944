namespace SegKit.Onnx.Tests;

public sealed class ModelCardTests
{
    [Fact]
    public void Cellpose_card_round_trips_through_metadata()
    {
        var card = SampleModels.CellposeCard();

        var metadata = card.ToMetadata();

        Assert.Equal("1", metadata[ModelCard.VersionKey]);
        Assert.Equal("30", metadata["segkit.cellpose.diameter"]);
        Assert.Equal("nucleus", metadata["segkit.input.channel.1"]);
        Assert.Equal("2026-11-24T15:30:07.1230000+01:00", metadata["segkit.training.date"]);
        Assert.All(metadata.Keys, k => Assert.StartsWith(ModelCard.Prefix, k));
        var read = ModelCard.FromMetadata(metadata);
        Assert.Equal(card, read);
        Assert.Equal(0.1 + 0.2, read!.ValidationMetrics["ap@0.75"]);
    }

    [Fact]
    public void The_bright_background_inversion_flag_round_trips_and_is_absent_by_default()
    {
        var plain = SampleModels.CellposeCard();
        Assert.DoesNotContain("segkit.normalize.invert_bright_background", plain.ToMetadata().Keys);
        Assert.False(ModelCard.FromMetadata(plain.ToMetadata())!.InvertBrightBackground);

        var inverting = plain with { InvertBrightBackground = true };
        var metadata = inverting.ToMetadata();
        Assert.Equal("true", metadata["segkit.normalize.invert_bright_background"]);
        Assert.Equal(inverting, ModelCard.FromMetadata(metadata));
        Assert.NotEqual(plain, inverting);

        metadata["segkit.normalize.invert_bright_background"] = "yes";
        var e = Assert.Throws<OnnxFormatException>(() => ModelCard.FromMetadata(metadata, "m.onnx"));
        Assert.Contains("expected 'true' or 'false'", e.Message);
    }

    [Fact]
    public void A_flow_threshold_round_trips_is_absent_by_default_and_is_checked()
    {
        var plain = SampleModels.CellposeCard();
        Assert.DoesNotContain("segkit.cellpose.flow_threshold", plain.ToMetadata().Keys);
        Assert.Null(ModelCard.FromMetadata(plain.ToMetadata())!.FlowThreshold);

        var own = plain with { FlowThreshold = 1.0 };
        var metadata = own.ToMetadata();
        Assert.Equal("1", metadata["segkit.cellpose.flow_threshold"]);
        Assert.Equal(own, ModelCard.FromMetadata(metadata));
        Assert.NotEqual(plain, own);

        metadata["segkit.cellpose.flow_threshold"] = "-0.5";
        Assert.Contains("flow threshold -0.5 is not a number of 0 or more", Assert.Throws<OnnxFormatException>(() => ModelCard.FromMetadata(metadata, "m.onnx")).Message);
        metadata["segkit.cellpose.flow_threshold"] = "loose";
        Assert.Contains("m.onnx", Assert.Throws<OnnxFormatException>(() => ModelCard.FromMetadata(metadata, "m.onnx")).Message);
        var unet = plain with { Kind = SegmentationModelKind.UNet, Diameter = null, Classes = ["background", "cell"], FlowThreshold = 1.0 };
        Assert.Contains("a U-Net model has no flow threshold", Assert.Throws<ArgumentException>(() => unet.ToMetadata()).Message);
    }

    [Fact]
    public void Cellpose_tile_padding_round_trips_and_is_absent_by_default()
    {
        var plain = SampleModels.CellposeCard();
        Assert.DoesNotContain("segkit.tile.padding", plain.ToMetadata().Keys);
        Assert.False(ModelCard.FromMetadata(plain.ToMetadata())!.CellposeTilePadding);

        var imported = plain with { CellposeTilePadding = true };
        var metadata = imported.ToMetadata();
        Assert.Equal("cellpose", metadata["segkit.tile.padding"]);
        Assert.Equal(imported, ModelCard.FromMetadata(metadata));
        Assert.NotEqual(plain, imported);

        metadata["segkit.tile.padding"] = "mirror";
        Assert.False(ModelCard.FromMetadata(metadata)!.CellposeTilePadding);
        metadata["segkit.tile.padding"] = "reflect";
        var e = Assert.Throws<OnnxFormatException>(() => ModelCard.FromMetadata(metadata, "m.onnx"));
        Assert.Contains("expected 'cellpose' or 'mirror'", e.Message);
    }

    [Fact]
    public void Zero_mean_unit_variance_round_trips_for_a_unet_is_absent_by_default_and_refused_for_cellpose()
    {
        var unet = SampleModels.CellposeCard() with { Kind = SegmentationModelKind.UNet, Diameter = null, Classes = ["background", "cell"] };
        Assert.DoesNotContain("segkit.normalize.method", unet.ToMetadata().Keys);

        var zoo = unet with { ZeroMeanUnitVariance = true, NormalizeEpsilon = 1e-5 };
        var metadata = zoo.ToMetadata();
        Assert.Equal("zero_mean_unit_variance", metadata["segkit.normalize.method"]);
        Assert.Equal(zoo, ModelCard.FromMetadata(metadata));
        Assert.NotEqual(unet, zoo);

        metadata["segkit.normalize.method"] = "z-score";
        Assert.Contains("expected 'percentiles' or 'zero_mean_unit_variance'", Assert.Throws<OnnxFormatException>(() => ModelCard.FromMetadata(metadata, "m.onnx")).Message);
        Assert.Contains("a Cellpose model is normalised by percentiles", Assert.Throws<ArgumentException>(() => (SampleModels.CellposeCard() with { ZeroMeanUnitVariance = true }).ToMetadata()).Message);
    }

    [Fact]
    public void UNet_card_round_trips_through_a_file_without_loading_weights()
    {
        var card = SampleModels.CellposeCard() with
        {
            Kind = SegmentationModelKind.UNet,
            Diameter = null,
            Classes = ["background", "cell", "border"],
            InputChannels = ["phase contrast"],
            LowPercentile = 0.5,
            HighPercentile = 99.8,
            ValidationMetrics = new Dictionary<string, double>(),
        };
        var builder = new GraphBuilder("unet");
        builder.Node("Identity", [builder.Input("x", OnnxElementType.Float, "N", 1, "H", "W")], "y");
        builder.Output("y", OnnxElementType.Float, "N", 1, "H", "W");
        var path = SampleModels.TempPath("unet.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        OnnxWriter.WriteFile(path, builder.ToModel(card.ToMetadata()));

        Assert.Equal(card, ModelCard.ReadFile(path));
        Assert.NotEqual(SampleModels.CellposeCard(), ModelCard.ReadFile(path));
    }

    [Fact]
    public void Metadata_without_a_card_gives_null_and_a_file_without_one_is_not_a_segmentation_model()
    {
        Assert.Null(ModelCard.FromMetadata(new Dictionary<string, string> { ["author"] = "someone" }));
        var builder = new GraphBuilder("plain");
        builder.Node("Identity", [builder.Input("x", OnnxElementType.Float, 3)], "y");
        builder.Output("y", OnnxElementType.Float, 3);
        var path = SampleModels.TempPath("plain.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        OnnxWriter.WriteFile(path, builder.ToModel());

        var e = Assert.Throws<OnnxFormatException>(() => ModelCard.ReadFile(path));

        Assert.Equal(path, e.FilePath);
        Assert.Contains("not a SegKit segmentation model", e.Message);
    }

    [Theory]
    [InlineData("segkit.kind", "mask-rcnn", "expected 'cellpose' or 'unet'")]
    [InlineData("segkit.card_version", "2", "version 2 is not supported")]
    [InlineData("segkit.tile.size", "two hundred", "'segkit.tile.size' is 'two hundred', not an integer")]
    [InlineData("segkit.tile.halo", "112", "leaves no output")]
    [InlineData("segkit.normalize.low_percentile", "99.5", "percentiles")]
    [InlineData("segkit.cellpose.diameter", "-1", "positive diameter")]
    [InlineData("segkit.input.channels", "3", "lacks 'segkit.input.channel.2'")]
    [InlineData("segkit.training.date", "yesterday", "not an ISO 8601 date")]
    public void A_damaged_card_is_refused_naming_the_source_and_the_key(string key, string value, string expected)
    {
        var metadata = SampleModels.CellposeCard().ToMetadata();
        metadata[key] = value;

        var e = Assert.Throws<OnnxFormatException>(() => ModelCard.FromMetadata(metadata, "model.onnx"));

        Assert.Equal("model.onnx", e.FilePath);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_card_missing_a_required_key_is_refused()
    {
        var metadata = SampleModels.CellposeCard().ToMetadata();
        metadata.Remove("segkit.version");

        Assert.Contains("lacks 'segkit.version'", Assert.Throws<OnnxFormatException>(() => ModelCard.FromMetadata(metadata)).Message);
    }

    [Fact]
    public void An_invalid_card_cannot_be_written()
    {
        var card = SampleModels.CellposeCard() with { Classes = ["background", "cell"] };

        Assert.Contains("no classes", Assert.Throws<ArgumentException>(() => card.ToMetadata()).Message);
    }
}

using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Core.Pipelines;
using SegKit.Imaging;
using SegKit.Onnx;
using SegKit.Testing;

namespace SegKit.Inference.Tests;

/// <summary>SegmentationModel.CreateSegmenter: the card decides what the options leave open, in one place.</summary>
public class ModelSegmenterTests
{
    private static readonly ModelCard GreenBlueNuclei = new()
    {
        Kind = SegmentationModelKind.Cellpose,
        InputChannels = ["cytoplasm:green", "nucleus:blue"],
        Diameter = 17,
        InvertBrightBackground = true,
        TileSize = 96,
        TrainingData = "none",
        SegKitVersion = "test",
    };

    private static readonly ModelCard ValidUNet = new()
    {
        Kind = SegmentationModelKind.UNet,
        InputChannels = ["image:gray"],
        Classes = ["background", "cell", "boundary"],
        TileSize = 92,
        Halo = 20,
        TrainingData = "none",
        SegKitVersion = "test",
    };

    [Fact]
    public void Cellpose_settings_come_from_the_card_unless_given()
    {
        using var model = SegmentationModel.Load(SegmentationModelTests.Write(2, 3, GreenBlueNuclei));
        CellposeSegmenterOptions byCard = model.CreateSegmenter().CellposeOptions!;
        Assert.Equal(new ChannelSelection(ImageChannel.Green, ImageChannel.Blue), byCard.Channels);
        Assert.Equal((17.0, true, 96, null, true), (byCard.ModelDiameter, byCard.InvertBrightBackground, byCard.TileSize, byCard.Diameter, byCard.EstimateDiameter));
        Assert.Equal((SegmentOptions.CellposeBatchSize, false, 15), (byCard.BatchSize, byCard.FlipAugmentation, byCard.Dynamics.MinSize));

        var given = model.CreateSegmenter(new SegmentOptions { Diameter = 25, EstimateDiameter = false, Channels = ChannelSelection.Gray, BatchSize = 5, TileSize = 64, FlipAugmentation = true }).CellposeOptions!;
        Assert.Equal((ChannelSelection.Gray, 25.0, false, 5, 64, true), (given.Channels, given.Diameter!.Value, given.EstimateDiameter, given.BatchSize, given.TileSize, given.FlipAugmentation));
        Assert.Equal((17.0, true), (given.ModelDiameter, given.InvertBrightBackground)); // what the network was trained with stays the card's
        Assert.Null(model.CreateSegmenter().UNetOptions);
    }

    [Fact]
    public void A_valid_UNet_gets_its_cards_halo_and_tile()
    {
        using var model = SegmentationModel.Load(SegmentationModelTests.Write(1, 3, ValidUNet));
        UNetSegmenterOptions unet = model.CreateSegmenter(new SegmentOptions { Dynamics = new() { MinSize = 40 }, Diameter = 30 }).UNetOptions!;
        Assert.Equal((3, 92, 20, SegmentOptions.UNetBatchSize, 40), (unet.Classes, unet.TileSize, unet.Halo, unet.BatchSize, unet.MinSize));
    }

    [Fact]
    public void An_image_without_a_channel_the_card_reads_is_refused_with_its_name()
    {
        using var model = SegmentationModel.Load(SegmentationModelTests.Write(2, 3, GreenBlueNuclei));
        var e = Assert.Throws<InvalidImageException>(() => model.CreateSegmenter().Segment(new Image(1, 32, 32), "plate7/well3.tif"));
        Assert.Contains("plate7/well3.tif", e.Message);
        Assert.Contains("green", e.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-4.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_diameter_that_is_not_a_positive_number_of_pixels_is_refused(double diameter)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentOptions { Diameter = diameter });
        Assert.Equal("Diameter", e.ParamName);
    }

    [Fact]
    public void The_staged_run_on_a_packed_image_gives_what_segment_gives()
    {
        // The shipped model on a real sample at a fixed diameter, so the network runs at a rescaled size.
        using var model = SegmentationModel.Load(Path.Combine(RepositoryLayout.Root, "models", "nuclei.onnx"));
        ModelSegmenter segmenter = model.CreateSegmenter(new SegmentOptions { Diameter = 21 });
        Image image = ImageFile.Read(Path.Combine(RepositoryLayout.Root, "models", "samples", "images", "dsb_912a679e.png"));
        SegmentationResult whole = segmenter.Segment(image);

        PackedImage packed = PackedImage.Pack(image);
        Assert.Equal(1, packed.BytesPerValue);
        CellposeInput input = segmenter.Input(packed.Unpack());
        Assert.Equal((2, image.Height, image.Width), (input.Planes.Channels, input.Planes.Height, input.Planes.Width));
        CellposePrediction prediction = segmenter.Predict(input);
        Assert.True(prediction.Rescaled);
        SegmentationResult staged = segmenter.Masks(prediction, packed, segmenter.CellposeOptions!.Dynamics);

        Assert.True(whole.Labels.MaxLabel > 20, $"{whole.Labels.MaxLabel} objects");
        Assert.Equal(whole.Labels.Buffer, staged.Labels.Buffer);
        Assert.Equal(whole.Flows!.Data.ToArray(), staged.Flows!.Data.ToArray());
        Assert.Equal(whole.Probability, staged.Probability);
        Assert.Equal(whole.Objects.Select(o => (o.Label, o.Area, o.MeanIntensity[0], o.MeanIntensity[2])), staged.Objects.Select(o => (o.Label, o.Area, o.MeanIntensity[0], o.MeanIntensity[2])));
        Assert.Equal(image.Height * image.Width, whole.Flows.Height * whole.Flows.Width);

        // Without flows: the same masks and objects, nothing else.
        SegmentationResult bare = segmenter.Masks(prediction, packed, segmenter.CellposeOptions!.Dynamics, withFlows: false);
        Assert.Equal(whole.Labels.Buffer, bare.Labels.Buffer);
        Assert.Equal((null, null), (bare.Flows, bare.Probability));
        Assert.Equal(whole.Objects.Select(o => o.CentroidX), bare.Objects.Select(o => o.CentroidX));

        // The stages check what Segment checks.
        using var greenBlue = SegmentationModel.Load(SegmentationModelTests.Write(2, 3, GreenBlueNuclei));
        Assert.Contains("well3.tif", Assert.Throws<InvalidImageException>(() => greenBlue.CreateSegmenter().Input(new Image(1, 32, 32), "well3.tif")).Message);
        using var unet = SegmentationModel.Load(SegmentationModelTests.Write(1, 3, ValidUNet));
        Assert.Throws<InvalidOperationException>(() => unet.CreateSegmenter().Input(new Image(1, 32, 32)));
    }
}

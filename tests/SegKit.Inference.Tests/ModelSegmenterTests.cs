using SegKit.Core;
using SegKit.Core.Dynamics;
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

    /// <summary>A card with its own flow threshold: what every front door resolves through <see cref="ModelSegmenter.ResolveDynamics"/>.</summary>
    private static readonly ModelCard OwnFlowThreshold = GreenBlueNuclei with { FlowThreshold = 1.0 };

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

    [Fact]
    public void The_options_threshold_wins_then_the_cards_then_the_dynamics()
    {
        var custom = new DynamicsOptions { FlowThreshold = 0.7, CellprobThreshold = -1, MinSize = 3 };
        Assert.Equal(1.0, ModelSegmenter.ResolveDynamics(OwnFlowThreshold, new SegmentOptions()).FlowThreshold);
        Assert.Equal(1.0, ModelSegmenter.ResolveDynamics(OwnFlowThreshold, new SegmentOptions { Dynamics = custom }).FlowThreshold);
        Assert.Equal(0.2, ModelSegmenter.ResolveDynamics(OwnFlowThreshold, new SegmentOptions { Dynamics = custom, FlowThreshold = 0.2 }).FlowThreshold);
        Assert.Equal(0.7, ModelSegmenter.ResolveDynamics(OwnFlowThreshold with { FlowThreshold = null }, new SegmentOptions { Dynamics = custom }).FlowThreshold);
        Assert.Equal(DynamicsOptions.Default.FlowThreshold, ModelSegmenter.ResolveDynamics(OwnFlowThreshold with { FlowThreshold = null }, new SegmentOptions()).FlowThreshold);

        // Only the flow threshold comes from the card: the other settings stay the caller's.
        DynamicsOptions resolved = ModelSegmenter.ResolveDynamics(OwnFlowThreshold, new SegmentOptions { Dynamics = custom });
        Assert.Equal((-1f, 3), (resolved.CellprobThreshold, resolved.MinSize));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentOptions { FlowThreshold = -0.1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentOptions { FlowThreshold = double.NaN });
    }

    [Fact]
    public void The_shipped_nuclei_model_segments_with_its_cards_threshold_unless_told_otherwise()
    {
        using var model = SegmentationModel.Load(Path.Combine(RepositoryLayout.Root, "models", "nuclei.onnx"));
        Assert.Equal(1.0, model.Card.FlowThreshold);
        Assert.Equal(1.0, model.CreateSegmenter().CellposeOptions!.Dynamics.FlowThreshold);
        Assert.Equal(0.4, model.CreateSegmenter(new SegmentOptions { FlowThreshold = 0.4 }).CellposeOptions!.Dynamics.FlowThreshold);

        // On a real image the looser check keeps masks the 0.4 check drops, and drops none it keeps: every pixel of a
        // mask at 0.4 is in a mask at the card's threshold.
        var image = ImageFile.Read(Path.Combine(RepositoryLayout.Root, "models", "samples", "images", "dsb_912a679e.png"));
        var byCard = model.CreateSegmenter().Segment(image).Labels;
        var strict = model.CreateSegmenter(new SegmentOptions { FlowThreshold = 0.4 }).Segment(image).Labels;
        Assert.True(byCard.MaxLabel > strict.MaxLabel, $"{byCard.MaxLabel} masks at the card's threshold, {strict.MaxLabel} at 0.4");
        int covered = 0;
        for (int i = 0; i < strict.Buffer.Length; i++)
        {
            if (strict.Buffer[i] != 0)
            {
                Assert.NotEqual(0, byCard.Buffer[i]);
                covered++;
            }
        }

        Assert.True(covered > 0);
    }
}

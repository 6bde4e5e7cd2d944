using SegKit.Core.Images;
using SegKit.Core.Transforms;
using SegKit.Imaging;
using SegKit.Onnx;
using SegKit.Testing;

namespace SegKit.Inference.Tests;

/// <summary>Fixed normalisation (what every block of a large image gets) against each image's own.</summary>
public class IntensityScaleTests
{
    private static string Model(string name) => Path.Combine(RepositoryLayout.Root, "models", name + ".onnx");

    private static string Sample(string name) => Path.Combine(RepositoryLayout.Root, "models", "samples", "images", name);

    [Fact]
    public void A_scale_measured_on_an_image_normalises_it_exactly_as_normalize99()
    {
        Image image = ImageFile.Read(Sample("dsb_912a679e.png"));
        IntensityScale scale = IntensityScale.Measure(image);
        Assert.Equal(Normalization.Normalize99(image).Buffer, scale.Apply(image).Buffer);
        Assert.Equal(image.Channels, scale.Low.Count);
        Assert.True(scale.High[0] > scale.Low[0]);
    }

    [Theory]
    [InlineData("nuclei", "dsb_912a679e.png")]
    [InlineData("membranes", "dsb_4be73d68.png")]
    public void A_model_given_the_scale_it_measures_on_an_image_segments_that_image_as_without_it(string modelName, string imageName)
    {
        using var model = SegmentationModel.Load(Model(modelName));
        Image image = ImageFile.Read(Sample(imageName));
        ModelSegmenter own = model.CreateSegmenter(new SegmentOptions { Diameter = 18 });
        IntensityScale scale = own.MeasureIntensity(image);
        ModelSegmenter fixedScale = model.CreateSegmenter(new SegmentOptions { Diameter = 18, Intensity = scale });

        LabelImage expected = own.Segment(image).Labels;
        Assert.True(expected.CountObjects() > 5);
        Assert.Equal(expected.Buffer, fixedScale.Segment(image).Labels.Buffer);

        // A scale from elsewhere changes the result: the option is really used.
        var darker = scale with { High = scale.High.Select(h => h * 3).ToArray() };
        Assert.NotEqual(expected.Buffer, model.CreateSegmenter(new SegmentOptions { Diameter = 18, Intensity = darker }).Segment(image).Labels.Buffer);
    }

    [Fact]
    public void A_unet_reading_one_colour_channel_is_given_that_channels_scale()
    {
        using var model = SegmentationModel.Load(Model("membranes"));
        Image colour = Colour(ImageFile.Read(Sample("dsb_4be73d68.png")));
        ModelSegmenter own = model.CreateSegmenter(new SegmentOptions { Channels = ChannelSelection.FromCellpose(2, 0) });
        IntensityScale scale = own.MeasureIntensity(colour);
        Assert.Equal(IntensityScale.Measure(new Image(1, colour.Height, colour.Width, colour.Plane(1).ToArray())).Low, scale.Low);

        ModelSegmenter fixedScale = model.CreateSegmenter(new SegmentOptions { Channels = ChannelSelection.FromCellpose(2, 0), Intensity = scale });
        Assert.Equal(own.Segment(colour).Labels.Buffer, fixedScale.Segment(colour).Labels.Buffer);
    }

    [Fact]
    public void A_cellpose_card_with_its_own_percentiles_is_normalised_with_them()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("segkit-percentiles-").FullName, "nuclei-5-95.onnx");
        OnnxModel onnx = OnnxReader.ReadFile(Model("nuclei"));
        foreach (var (key, value) in (ModelCard.FromMetadata(onnx.Metadata)! with { LowPercentile = 5, HighPercentile = 95 }).ToMetadata())
        {
            onnx.Metadata[key] = value;
        }

        OnnxWriter.WriteFile(path, onnx);
        using var shipped = SegmentationModel.Load(Model("nuclei"));
        using var model = SegmentationModel.Load(path);
        Image image = ImageFile.Read(Sample("dsb_912a679e.png"));
        var options = new SegmentOptions { Diameter = 18 };
        ModelSegmenter own = model.CreateSegmenter(options);

        IntensityScale scale = own.MeasureIntensity(image);
        Assert.Equal(IntensityScale.Measure(image.SelectChannels(own.Channels), 5, 95).Low, scale.Low);
        LabelImage labels = own.Segment(image).Labels;
        Assert.Equal(labels.Buffer, shipped.CreateSegmenter(options with { Intensity = scale }).Segment(image).Labels.Buffer);
        Assert.NotEqual(labels.Buffer, shipped.CreateSegmenter(options).Segment(image).Labels.Buffer);
    }

    /// <summary>Three different planes from one gray image: itself, its negative and half of it.</summary>
    private static Image Colour(Image image)
    {
        Image gray = image.Channels == 1 ? image : image.ToGray();
        var colour = new Image(3, gray.Height, gray.Width);
        float max = gray.Buffer.Max();
        for (int i = 0; i < gray.Buffer.Length; i++)
        {
            colour.Plane(0)[i] = gray.Buffer[i];
            colour.Plane(1)[i] = max - gray.Buffer[i];
            colour.Plane(2)[i] = gray.Buffer[i] / 2;
        }

        return colour;
    }
}

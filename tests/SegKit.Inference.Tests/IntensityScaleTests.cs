using SegKit.Core.Images;
using SegKit.Core.Transforms;
using SegKit.Imaging;
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
}

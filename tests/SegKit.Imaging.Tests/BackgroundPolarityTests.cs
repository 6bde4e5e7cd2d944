using SegKit.Core.Images;
using SegKit.Core.Transforms;
using SegKit.Testing;

namespace SegKit.Imaging.Tests;

/// <summary>The bright-background decision on real stained tissue that fills the frame, and on fluorescence.</summary>
public class BackgroundPolarityTests
{
    private static string Stage1(string prefix) => Directory.GetFiles(TestData.Stage1TrainImages, prefix + "*.png").Single();

    private static IEnumerable<Image> Windows(Image image, int size, int step)
    {
        for (int y = 0; y + size <= image.Height; y += step)
        {
            for (int x = 0; x + size <= image.Width; x += step)
            {
                yield return image.Crop(y, x, size, size);
            }
        }
    }

    [Theory]
    [InlineData("4193474b")] // H&E tissue filling a 320x256 tile
    [InlineData("13f2bec0")]
    public void Dense_stained_tissue_is_judged_by_its_colour(string name)
    {
        Image image = ImageFile.Read(Stage1(name));
        int medianSaysDark = 0;
        int windows = 0;
        foreach (Image window in Windows(image, 192, 32))
        {
            Image normalized = Normalization.Normalize99(window.SelectChannels(ChannelSelection.Gray));
            windows++;
            medianSaysDark += BackgroundPolarity.IsBright(normalized) ? 0 : 1;
            Assert.True(BackgroundPolarity.IsBright(normalized, window), $"{name}: a window was judged dark-background");
        }

        // The median rule alone takes most tissue-filled windows for fluorescence: the failure this guards against.
        Assert.True(medianSaysDark * 2 > windows, $"{name}: the median rule failed on {medianSaysDark} of {windows} windows");
    }

    [SharedDataFact]
    [Trait("Category", RepositoryLayout.SharedDataCategory)]
    public void Grey_images_of_the_validation_set_keep_the_median_rule()
    {
        Assert.Equal(9, AssertGreyKeepsTheMedianRule(Path.Combine(RepositoryLayout.Data, "nuclei-dsb2018", "val", "images")));
    }

    [Fact]
    public void Fluorescence_keeps_its_dark_background_in_grey_and_in_colour()
    {
        // The DSB images in the repository: one RGBA and one RGB, both grey fluorescence.
        Assert.Equal(2, AssertGreyKeepsTheMedianRule(TestData.DsbTrainImages));

        // A grey fluorescence image shown in blue only (how some viewers save a DAPI channel) is colour, but dark.
        Image grey = ImageFile.Read(TestData.DsbImage(TestData.Dsb0ed3555a)).SelectChannels(ChannelSelection.Gray);
        var blue = new Image(3, grey.Height, grey.Width);
        grey.Plane(0).CopyTo(blue.Plane(2));
        Image input = Normalization.Normalize99(blue.SelectChannels(ChannelSelection.Gray));
        Assert.False(BackgroundPolarity.IsBright(input, blue));
        Assert.False(Normalization.InvertIfBrightBackground(input, blue));
    }

    [Fact]
    public void Inversion_flips_the_first_channel_only_when_bright()
    {
        Image image = ImageFile.Read(Stage1("4193474b"));
        Image normalized = Normalization.Normalize99(image.SelectChannels(ChannelSelection.Gray));
        float before = normalized.Plane(0)[17];
        Assert.True(Normalization.InvertIfBrightBackground(normalized, image));
        Assert.Equal(1f - before, normalized.Plane(0)[17]);
    }

    private static int AssertGreyKeepsTheMedianRule(string folder)
    {
        int images = 0;
        foreach (string path in Directory.GetFiles(folder))
        {
            images++;
            Image image = ImageFile.Read(path);
            Image normalized = Normalization.Normalize99(image.SelectChannels(ChannelSelection.Gray));
            bool stained = BackgroundPolarity.IsStainedColour(image, out _);
            if (!stained)
            {
                // Grey fluorescence (three equal channels): the median decides, as before.
                Assert.Equal(BackgroundPolarity.IsBright(normalized), BackgroundPolarity.IsBright(normalized, image));
            }
        }

        return images;
    }
}

using SegKit.Core.Images;

namespace SegKit.Core.Tests.Images;

public class ImageTests
{
    private static Image Rgb(int h, int w)
    {
        var image = new Image(3, h, w);
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    image[c, y, x] = (c * 100) + (y * 10) + x;
                }
            }
        }

        return image;
    }

    [Fact]
    public void Layout_is_channel_major_and_contiguous()
    {
        var image = Rgb(2, 3);
        Assert.Equal(18, image.Data.Length);
        Assert.Equal(112f, image.Buffer[(1 * 6) + (1 * 3) + 2]);
        Assert.Equal(new float[] { 210, 211, 212 }, image.Row(2, 1).ToArray());
    }

    [Fact]
    public void Crop_copies_the_rectangle_of_every_channel()
    {
        var crop = Rgb(4, 5).Crop(1, 2, 2, 3);
        Assert.Equal((3, 2, 3), (crop.Channels, crop.Height, crop.Width));
        Assert.Equal(12f, crop[0, 0, 0]);
        Assert.Equal(224f, crop[2, 1, 2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => Rgb(4, 5).Crop(3, 0, 2, 2));
    }

    [Fact]
    public void Gray_selection_is_the_mean_of_colour_channels_and_nucleus_defaults_to_zeros()
    {
        var selected = Rgb(2, 2).SelectChannels(ChannelSelection.Gray);
        Assert.Equal(2, selected.Channels);
        Assert.Equal(100f + 11f, selected[0, 1, 1]);
        Assert.All(selected.Plane(1).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Cellpose_channel_codes_pick_colour_planes()
    {
        var selected = Rgb(2, 2).SelectChannels(ChannelSelection.FromCellpose(2, 3));
        Assert.Equal(101f, selected[0, 0, 1]);
        Assert.Equal(201f, selected[1, 0, 1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => ChannelSelection.FromCellpose(5, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChannelSelection.FromCellpose(0, -1));
        Assert.Equal(new ChannelSelection(ImageChannel.Gray, ImageChannel.Haematoxylin), ChannelSelection.FromCellpose(0, 4));
        Assert.Throws<ArgumentException>(() => new Image(1, 2, 2).SelectChannels(new ChannelSelection(ImageChannel.Blue)));
    }

    [Fact]
    public void Gray_of_rgba_ignores_alpha()
    {
        var image = new Image(4, 1, 1, [30f, 60f, 90f, 255f]);
        Assert.Equal(60f, image.ToGray()[0, 0, 0]);
    }

    [Fact]
    public void Empty_or_mismatched_dimensions_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new Image(1, 0, 0));
        Assert.Throws<ArgumentException>(() => new Image(1, 2, 2, new float[3]));
    }
}

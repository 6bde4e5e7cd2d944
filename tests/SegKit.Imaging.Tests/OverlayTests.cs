using SegKit.Core;
using SegKit.Core.Images;

namespace SegKit.Imaging.Tests;

public class OverlayTests
{
    [Fact]
    public void Outlines_are_coloured_per_object_and_interiors_show_the_image()
    {
        var image = new Image(1, 7, 12);
        for (int i = 0; i < image.Data.Length; i++)
        {
            image.Data[i] = i;
        }

        var labels = new LabelImage(7, 12);
        for (int y = 1; y <= 5; y++)
        {
            for (int x = 1; x <= 5; x++)
            {
                labels[y, x] = 1;
                labels[y, x + 5] = 2;
            }
        }

        byte[] rgb = Overlay.Render(image, labels);
        byte[] Px(int y, int x) => rgb.AsSpan(((y * 12) + x) * 3, 3).ToArray();
        byte[][] palette = Overlay.Palette(2);
        Assert.Equal(palette[1], Px(1, 1));   // corner of object 1
        Assert.Equal(palette[1], Px(3, 5));   // object 1 touching object 2
        Assert.Equal(palette[2], Px(3, 6));
        Assert.NotEqual(palette[1], palette[2]);
        byte[] inside = Px(3, 3);
        Assert.True(inside[0] == inside[1] && inside[1] == inside[2], "interior pixels are grey image values");
        byte[] background = Px(0, 0);
        Assert.Equal(new byte[] { 0, 0, 0 }, background); // the darkest pixel after normalisation
    }

    [Fact]
    public void Writes_a_png_of_the_sample_atomically()
    {
        string dir = Files.TempDir();
        string path = Path.Combine(dir, "overlay.png");
        Overlay.WritePng(path, ImageFile.Read(Files.SampleImage), LabelImageFile.Read(Files.SampleMask));
        var back = ImageFile.Read(path);
        Assert.Equal((3, 256, 256), (back.Channels, back.Height, back.Width));
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void Mismatched_sizes_are_rejected()
    {
        Assert.Throws<ShapeMismatchException>(() => Overlay.Render(new Image(1, 4, 4), new LabelImage(4, 5)));
    }
}

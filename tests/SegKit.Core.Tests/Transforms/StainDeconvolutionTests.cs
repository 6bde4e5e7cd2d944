using SegKit.Core.Images;
using SegKit.Core.Transforms;

namespace SegKit.Core.Tests.Transforms;

public class StainDeconvolutionTests
{
    // Ruifrok and Johnston's optical densities per unit of stain, normalised, as in the type under test.
    private static readonly double[] Haematoxylin = Unit(0.65, 0.70, 0.29);
    private static readonly double[] Eosin = Unit(0.07, 0.99, 0.11);
    private static readonly double[] Background = [235, 215, 240];

    [Fact]
    public void An_image_made_from_known_stain_amounts_gives_back_its_haematoxylin()
    {
        // Beer-Lambert: I = I0 exp(-(h H + e E)). Half the pixels are unstained background (I0), the rest carry
        // haematoxylin h and eosin e in a grid of amounts.
        double[] hs = [0, 0.2, 0.5, 1.0, 1.5];
        double[] es = [0, 0.3, 0.8];
        int stained = hs.Length * es.Length;
        var image = new Image(3, 1, stained * 2);
        for (int i = 0; i < image.Width; i++)
        {
            double h = i < stained ? hs[i / es.Length] : 0;
            double e = i < stained ? es[i % es.Length] : 0;
            for (int c = 0; c < 3; c++)
            {
                image[c, 0, i] = (float)(Background[c] * Math.Exp(-((h * Haematoxylin[c]) + (e * Eosin[c]))));
            }
        }

        var amounts = new float[image.PlaneSize];
        StainDeconvolution.Haematoxylin(image, amounts);
        for (int i = 0; i < image.Width; i++)
        {
            double h = i < stained ? hs[i / es.Length] : 0;
            Assert.Equal(h, amounts[i], 4);
        }

        // The same plane is what the channel selection feeds a model as its nucleus channel.
        Image selected = image.SelectChannels(ChannelSelection.FromCellpose(0, 4));
        Assert.Equal(amounts, selected.Plane(1).ToArray());
    }

    [Fact]
    public void Images_without_a_stain_give_zeros()
    {
        var amounts = new float[16];
        Array.Fill(amounts, 7f);

        // Grey stored as RGB (most fluorescence PNGs): no colour.
        var grey = new Image(3, 4, 4);
        for (int i = 0; i < 16; i++)
        {
            grey.Plane(0)[i] = grey.Plane(1)[i] = grey.Plane(2)[i] = 10 * i;
        }

        StainDeconvolution.Haematoxylin(grey, amounts);
        Assert.All(amounts, a => Assert.Equal(0f, a));

        // One channel.
        Array.Fill(amounts, 7f);
        var single = new Image(1, 4, 4);
        single.Plane(0).Fill(100);
        StainDeconvolution.Haematoxylin(single, amounts);
        Assert.All(amounts, a => Assert.Equal(0f, a));

        // Colour fluorescence: coloured but dark background (light emitted, not transmitted).
        Array.Fill(amounts, 7f);
        var fluorescence = new Image(3, 4, 4);
        fluorescence.Plane(0)[5] = 200;
        fluorescence.Plane(2)[6] = 180;
        StainDeconvolution.Haematoxylin(fluorescence, amounts);
        Assert.All(amounts, a => Assert.Equal(0f, a));

        Assert.Throws<ArgumentException>(() => StainDeconvolution.Haematoxylin(grey, new float[15]));
    }

    private static double[] Unit(double r, double g, double b)
    {
        double length = Math.Sqrt((r * r) + (g * g) + (b * b));
        return [r / length, g / length, b / length];
    }
}

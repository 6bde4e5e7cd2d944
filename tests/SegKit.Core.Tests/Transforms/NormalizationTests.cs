using SegKit.Core.Images;
using SegKit.Core.Transforms;

namespace SegKit.Core.Tests.Transforms;

public class NormalizationTests
{
    [Theory]
    [InlineData("0ed3555a")]
    [InlineData("4be73d68")]
    public void Normalize99_matches_cellpose_fixture(string id)
    {
        var input = TestData.Npy($"norm_{id}.input.npy");
        var expected = TestData.Npy($"norm_{id}.output.npy").ToSingle();
        // Fixtures are grey images stored as [H, W] or [H, W, C] with equal channels.
        int h = input.Shape[0];
        int w = input.Shape[1];
        float[] values = input.ToSingle();
        int channels = input.Shape.Length == 3 ? input.Shape[2] : 1;
        var plane = new float[h * w];
        for (int i = 0; i < plane.Length; i++)
        {
            plane[i] = values[i * channels];
        }

        var image = new Image(1, h, w, plane);
        var result = Normalization.Normalize99(image);
        double maxDiff = 0;
        for (int i = 0; i < plane.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(result.Buffer[i] - expected[i * channels]));
        }

        Assert.True(maxDiff <= 1e-6, $"max |diff| = {maxDiff}");
    }

    [Fact]
    public void Percentile_interpolates_like_numpy()
    {
        // numpy.percentile([1, 2, 3, 4], 1) = 1.03 ; 99 -> 3.97 ; 50 -> 2.5
        Assert.Equal(1.03f, Normalization.Percentile(new float[] { 4, 1, 3, 2 }, 1), 5);
        Assert.Equal(3.97f, Normalization.Percentile(new float[] { 4, 1, 3, 2 }, 99), 5);
        Assert.Equal(2.5f, Normalization.Percentile(new float[] { 2, 3, 1, 4 }, 50), 6);
        Assert.Equal(7f, Normalization.Percentile(new float[] { 7 }, 99));
    }

    [Fact]
    public void Flat_channel_becomes_zeros()
    {
        var image = new Image(1, 4, 4);
        image.Data.Fill(42f);
        image[0, 1, 1] = 42.0005f;
        var result = Normalization.Normalize99(image);
        Assert.All(result.Buffer, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void NaN_and_infinity_never_reach_the_output()
    {
        var image = new Image(1, 10, 10);
        for (int i = 0; i < 100; i++)
        {
            image.Data[i] = i;
        }

        image.Data[3] = float.NaN;
        image.Data[50] = float.PositiveInfinity;
        image.Data[60] = float.NegativeInfinity;
        var result = Normalization.Normalize99(image);
        Assert.All(result.Buffer, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(0f, result.Buffer[3]);
        Assert.True(result.Buffer[50] > 0.99f);
    }

    [Fact]
    public void Invert_flips_the_range()
    {
        var image = new Image(1, 1, 101);
        for (int i = 0; i <= 100; i++)
        {
            image.Data[i] = i;
        }

        var plain = Normalization.Normalize99(image);
        var inverted = Normalization.Normalize99(image, invert: true);
        for (int i = 0; i <= 100; i++)
        {
            Assert.Equal(1f - plain.Buffer[i], inverted.Buffer[i], 6);
        }
    }

    [Fact]
    public void Bad_percentiles_are_rejected()
    {
        var image = new Image(1, 2, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => Normalization.Normalize99(image, 50, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => Normalization.Normalize99(image, -1, 99));
    }

    [Fact]
    public void A_bright_background_is_inverted_and_a_dark_one_is_left_alone()
    {
        // Brightfield-like: 90% bright background, dark objects; fluorescence-like: the reverse.
        var bright = new Image(2, 10, 10);
        var dark = new Image(1, 10, 10);
        for (int i = 0; i < 100; i++)
        {
            bright.Plane(0)[i] = i < 10 ? 0.1f : 0.9f;
            bright.Plane(1)[i] = 0.7f;
            dark.Plane(0)[i] = i < 10 ? 0.9f : 0.1f;
        }

        Assert.True(Normalization.InvertIfBrightBackground(bright));
        Assert.Equal(0.9f, bright.Plane(0)[0], 6);
        Assert.Equal(0.1f, bright.Plane(0)[50], 6);
        Assert.Equal(0.7f, bright.Plane(1)[0]); // only the first channel: the second is a separate stain

        Assert.False(Normalization.InvertIfBrightBackground(dark));
        Assert.Equal(0.9f, dark.Plane(0)[0]);
        Assert.Equal(0.1f, dark.Plane(0)[50]);
    }

    [Fact]
    public void The_range_applied_pixel_by_pixel_is_the_in_place_normalisation_bit_for_bit()
    {
        var random = new Random(11);
        var plane = new float[5000];
        for (int i = 0; i < plane.Length; i++)
        {
            plane[i] = (random.NextSingle() * 4000) - 300;
        }

        plane[17] = float.NaN;
        plane[99] = float.PositiveInfinity;
        plane[1234] = float.NegativeInfinity;
        float[] normalized = (float[])plane.Clone();
        Normalization.NormalizeInPlace(normalized);

        NormalizationRange range = Normalization.RangeOf(plane) ?? throw new Xunit.Sdk.XunitException("no range");
        for (int i = 0; i < plane.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(normalized[i]), BitConverter.SingleToInt32Bits(range.Apply(plane[i])));
        }

        Assert.Equal(0f, range.Apply(float.NaN));
        Assert.Null(Normalization.RangeOf(new float[] { 3, 3, 3, 3 }));
        Assert.Null(Normalization.RangeOf(new float[] { float.NaN }));
    }
}

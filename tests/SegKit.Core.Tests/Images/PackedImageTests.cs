using SegKit.Core.Images;

namespace SegKit.Core.Tests.Images;

public class PackedImageTests
{
    private static Image Random(int channels, int height, int width, int seed, Func<Random, float> value)
    {
        var random = new Random(seed);
        var image = new Image(channels, height, width);
        Span<float> data = image.Data;
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = value(random);
        }

        return image;
    }

    [Theory]
    [InlineData(255, 1)]
    [InlineData(256, 2)]
    [InlineData(65535, 2)]
    public void Whole_numbers_are_held_in_the_narrowest_type_and_come_back_equal(int max, int bytesPerValue)
    {
        Image image = Random(3, 37, 29, max, r => r.Next(0, max + 1));
        image[1, 5, 7] = max; // the largest value is present, so the type is decided by it
        PackedImage packed = PackedImage.Pack(image);
        Assert.Equal(bytesPerValue, packed.BytesPerValue);
        Assert.Equal(3L * 37 * 29 * bytesPerValue, packed.SizeInBytes);
        Image back = packed.Unpack();
        Assert.Equal((3, 37, 29), (back.Channels, back.Height, back.Width));
        Assert.Equal(image.Buffer, back.Buffer);
        Assert.NotSame(image.Buffer, back.Buffer);
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(-1f)]
    [InlineData(65536f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(-0f)]
    public void A_value_no_narrower_type_holds_exactly_keeps_the_float_array(float odd)
    {
        Image image = Random(1, 8, 8, 3, r => r.Next(0, 256));
        image[0, 7, 7] = odd;
        PackedImage packed = PackedImage.Pack(image);
        Assert.Equal(4, packed.BytesPerValue);
        Image back = packed.Unpack();
        Assert.Same(image.Buffer, back.Buffer);

        // -0 would have come back as +0 through a byte: the sign bit is what is checked.
        Assert.Equal(BitConverter.SingleToInt32Bits(odd), BitConverter.SingleToInt32Bits(back[0, 7, 7]));
    }

    [Fact]
    public void Rows_read_from_the_packed_values_equal_the_unpacked_rows()
    {
        foreach (int max in new[] { 255, 4095, 1000 * 1000 })
        {
            Image image = Random(2, 5, 11, max, r => max > 65535 ? (float)r.NextDouble() : r.Next(0, max + 1));
            PackedImage packed = PackedImage.Pack(image);
            var row = new float[11];
            for (int c = 0; c < 2; c++)
            {
                for (int y = 0; y < 5; y++)
                {
                    packed.ReadRow(c, y, row);
                    Assert.Equal(image.Row(c, y).ToArray(), row);
                }
            }

            Assert.Throws<ArgumentOutOfRangeException>(() => packed.ReadRow(2, 0, row));
            Assert.Throws<ArgumentOutOfRangeException>(() => packed.ReadRow(0, 5, row));
            Assert.Throws<ArgumentException>(() => packed.ReadRow(0, 0, new float[10]));
        }
    }

    [Fact]
    public void Objects_measured_on_the_packed_image_equal_those_measured_on_the_floats()
    {
        LabelImage labels = TestData.Labels("dsb_4be73d68.labels.npy");
        foreach (int max in new[] { 255, 65535 })
        {
            Image image = Random(3, labels.Height, labels.Width, max, r => r.Next(0, max + 1));
            IReadOnlyList<ObjectMeasurement> expected = ObjectMeasurement.Measure(labels, image);
            IReadOnlyList<ObjectMeasurement> packed = ObjectMeasurement.Measure(labels, PackedImage.Pack(image));
            Assert.Equal(labels.MaxLabel, packed.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal((expected[i].Label, expected[i].Area, expected[i].Box), (packed[i].Label, packed[i].Area, packed[i].Box));
                Assert.Equal(expected[i].MeanIntensity, packed[i].MeanIntensity);
            }
        }

        Assert.Throws<ShapeMismatchException>(() => ObjectMeasurement.Measure(labels, PackedImage.Pack(new Image(1, labels.Height, labels.Width + 1))));
    }
}

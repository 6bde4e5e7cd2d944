using System.Buffers.Binary;
using OpenCvSharp;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Testing;

namespace SegKit.Imaging.Tests;

public class ImageFileTests
{
    [Fact]
    public void Dsb_png_read_then_grey_equals_cellposes_grey_image_bit_for_bit()
    {
        // Cellpose's io.imread + convert_image(channels=[0,0]) of this PNG, stored as a fixture.
        Image image = ImageFile.Read(TestData.DsbImage(TestData.Dsb0ed3555a));
        NpyArray expected = TestData.Npy("norm_0ed3555a.input.npy");

        Assert.Equal(4, image.Channels); // RGBA: the grey conversion must leave alpha out
        Assert.Equal([256, 256], expected.Shape);
        Assert.Equal(expected.ToSingle(), image.ToGray().Buffer);
    }

    [Fact]
    public void Rgb_png_channels_come_in_rgb_order()
    {
        using var dir = new TempFolder();
        string path = dir.File("rgb.png");

        // Two pixels written byte by byte: (R,G,B) = (200,100,50) and (1,2,3).
        File.WriteAllBytes(path, PngBuilder.Build(2, 1, 8, 2, [200, 100, 50, 1, 2, 3]));
        Image image = ImageFile.Read(path);

        Assert.Equal((3, 1, 2), (image.Channels, image.Height, image.Width));
        Assert.Equal([200f, 1f], image.Plane(0).ToArray());
        Assert.Equal([100f, 2f], image.Plane(1).ToArray());
        Assert.Equal([50f, 3f], image.Plane(2).ToArray());
    }

    [Fact]
    public void Grey_alpha_and_palette_pngs_expand_to_rgba_and_rgb()
    {
        using var dir = new TempFolder();
        string greyAlpha = dir.File("ga.png");
        string palette = dir.File("pal.png");
        string paletteAlpha = dir.File("pala.png");
        File.WriteAllBytes(greyAlpha, PngBuilder.Build(2, 1, 8, 4, [10, 200, 20, 100]));
        File.WriteAllBytes(palette, PngBuilder.Build(2, 1, 8, 3, [1, 0], palette: [0, 0, 0, 30, 20, 10]));
        File.WriteAllBytes(paletteAlpha, PngBuilder.Build(1, 1, 8, 3, [0], palette: [30, 20, 10], transparency: [128]));

        Image ga = ImageFile.Read(greyAlpha);
        Assert.Equal(4, ImageFile.Describe(greyAlpha).Channels);
        Assert.Equal(4, ga.Channels);
        Assert.Equal([10f, 20f], ga.Plane(0).ToArray());
        Assert.Equal([10f, 20f], ga.Plane(2).ToArray());
        Assert.Equal([200f, 100f], ga.Plane(3).ToArray());

        Image pal = ImageFile.Read(palette);
        Assert.Equal(3, ImageFile.Describe(palette).Channels);
        Assert.Equal([30f, 0f], pal.Plane(0).ToArray());
        Assert.Equal([20f, 0f], pal.Plane(1).ToArray());
        Assert.Equal([10f, 0f], pal.Plane(2).ToArray());

        Image pala = ImageFile.Read(paletteAlpha);
        Assert.Equal(4, ImageFile.Describe(paletteAlpha).Channels);
        Assert.Equal([30f, 20f, 10f, 128f], pala.Data.ToArray());
    }

    [Fact]
    public void Sixteen_bit_rgb_png_keeps_full_range_values()
    {
        using var dir = new TempFolder();
        string path = dir.File("rgb16.png");

        // One pixel, big-endian samples R=0x0102, G=0x0304, B=0xFFFE.
        File.WriteAllBytes(path, PngBuilder.Build(1, 1, 16, 2, [1, 2, 3, 4, 0xFF, 0xFE]));

        Assert.Equal([258f, 772f, 65534f], ImageFile.Read(path).Data.ToArray());
        Assert.Equal(SampleType.UInt16, ImageFile.Describe(path).SampleType);
    }

    [Fact]
    public void Stardist_uint16_tiff_values_equal_the_raw_file_samples()
    {
        Image image = ImageFile.Read(TestData.Stardist512Image);
        byte[] raw = File.ReadAllBytes(TestData.Stardist512Image);
        var expected = new float[512 * 512];
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(256 + (2 * i)));
        }

        Assert.Equal((1, 512, 512), (image.Channels, image.Height, image.Width));
        Assert.Equal(expected, image.Buffer);
        Assert.Equal(SampleType.UInt16, ImageFile.Describe(TestData.Stardist512Image).SampleType);
    }

    [Fact]
    public void Stardist_uint8_tiff_values_equal_the_raw_file_samples()
    {
        Image image = ImageFile.Read(TestData.Stardist256Image);
        byte[] raw = File.ReadAllBytes(TestData.Stardist256Image);
        float[] expected = raw.AsSpan(256, 256 * 256).ToArray().Select(b => (float)b).ToArray();

        Assert.Equal(expected, image.Buffer);
        Assert.Equal(new ImageFileInfo(TestData.Stardist256Image, ImageFormat.Tiff, 256, 256, 1, SampleType.UInt8, 1), ImageFile.Describe(TestData.Stardist256Image));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Hand_written_rgb_float_tiff_reads_in_rgb_order_in_either_byte_order(bool bigEndian)
    {
        using var dir = new TempFolder();
        string path = dir.File("rgb.tif");
        float[] samples = [1.5f, -2f, 3.25f, 1e6f, 0.001f, -7f]; // two pixels, R G B each
        File.WriteAllBytes(path, TiffBuilder.Build(bigEndian, loop: false, new TiffPageSpec(2, 1, 3, samples)));

        Image image = ImageFile.Read(path);

        Assert.Equal([1.5f, 1e6f], image.Plane(0).ToArray());
        Assert.Equal([-2f, 0.001f], image.Plane(1).ToArray());
        Assert.Equal([3.25f, -7f], image.Plane(2).ToArray());
        Assert.Equal(new ImageFileInfo(path, ImageFormat.Tiff, 2, 1, 3, SampleType.Float32, 1), ImageFile.Describe(path));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void Float32_tiff_written_by_opencv_round_trips_exactly(int channels)
    {
        using var dir = new TempFolder();
        string path = dir.File("f.tif");
        var expected = new Image(channels, 5, 7);
        for (int i = 0; i < expected.Data.Length; i++)
        {
            expected.Data[i] = (i * 0.37f) - 3.1f;
        }

        WriteWithOpenCv(path, expected, MatType.CV_32FC(channels));
        Image image = ImageFile.Read(path);

        Assert.Equal(expected.Buffer, image.Buffer);
        Assert.Equal(SampleType.Float32, ImageFile.Describe(path).SampleType);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void Uint16_tiff_written_by_opencv_round_trips_exactly(int channels)
    {
        using var dir = new TempFolder();
        string path = dir.File("u16.tif");
        var expected = new Image(channels, 9, 4);
        for (int i = 0; i < expected.Data.Length; i++)
        {
            expected.Data[i] = (i * 1733) % 65536;
        }

        WriteWithOpenCv(path, expected, MatType.CV_16UC(channels));

        Assert.Equal(expected.Buffer, ImageFile.Read(path).Buffer);
        Assert.Equal(new ImageFileInfo(path, ImageFormat.Tiff, 4, 9, channels, SampleType.UInt16, 1), ImageFile.Describe(path));
    }

    [Fact]
    public void Int32_and_float64_tiffs_read_as_stored()
    {
        using var dir = new TempFolder();
        string ints = dir.File("i32.tif");
        string doubles = dir.File("f64.tif");
        File.WriteAllBytes(ints, TiffBuilder.Build(new TiffPageSpec(3, 1, 1, new[] { -5, 0, 1_000_000 })));
        File.WriteAllBytes(doubles, TiffBuilder.Build(new TiffPageSpec(2, 1, 1, new[] { 0.5, -1e10 })));

        Assert.Equal([-5f, 0f, 1_000_000f], ImageFile.Read(ints).Buffer);
        Assert.Equal(SampleType.Int32, ImageFile.Describe(ints).SampleType);
        Assert.Equal([0.5f, -1e10f], ImageFile.Read(doubles).Buffer);
        Assert.Equal(SampleType.Float64, ImageFile.Describe(doubles).SampleType);
    }

    [Fact]
    public void Multi_page_tiff_reads_the_chosen_page_and_reports_the_page_count()
    {
        using var dir = new TempFolder();
        string path = dir.File("stack.tif");
        var pages = Enumerable.Range(0, 4).Select(k => new Mat(3, 5, MatType.CV_16UC1, new Scalar(100 * (k + 1)))).ToArray();
        pages[2].Set(1, 4, (ushort)4242);
        Assert.True(Cv2.ImWrite(path, pages));
        foreach (Mat m in pages)
        {
            m.Dispose();
        }

        Assert.Equal(4, ImageFile.Describe(path).PageCount);
        for (int k = 0; k < 4; k++)
        {
            Image page = ImageFile.Read(path, k);
            Assert.Equal((1, 3, 5), (page.Channels, page.Height, page.Width));
            Assert.Equal(100f * (k + 1), page[0, 0, 0]);
        }

        Assert.Equal(4242f, ImageFile.Read(path, 2)[0, 1, 4]);
    }

    [Fact]
    public void Multi_page_tiff_pages_may_differ_in_type_and_size()
    {
        using var dir = new TempFolder();
        string path = dir.File("mixed.tif");
        File.WriteAllBytes(path, TiffBuilder.Build(
            new TiffPageSpec(2, 1, 1, new byte[] { 7, 8 }),
            new TiffPageSpec(1, 2, 3, new float[] { 1, 2, 3, 4, 5, 6 }),
            new TiffPageSpec(2, 2, 1, new ushort[] { 1000, 2000, 3000, 4000 })));

        Assert.Equal([7f, 8f], ImageFile.Read(path, 0).Buffer);
        Image rgb = ImageFile.Read(path, 1);
        Assert.Equal((3, 2, 1), (rgb.Channels, rgb.Height, rgb.Width));
        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], rgb.Buffer);
        Assert.Equal([1000f, 2000f, 3000f, 4000f], ImageFile.Read(path, 2).Buffer);
        Assert.Equal(3, ImageFile.Describe(path).PageCount);
    }

    [Fact]
    public void Page_out_of_range_names_the_file_and_the_page_count()
    {
        using var dir = new TempFolder();
        string path = dir.File("two.tif");
        File.WriteAllBytes(path, TiffBuilder.Build(new TiffPageSpec(1, 1, 1, new byte[] { 1 }), new TiffPageSpec(1, 1, 1, new byte[] { 2 })));

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ImageFile.Read(path, 2));
        Assert.Equal("page", e.ParamName);
        Assert.Contains(path, e.Message);
        Assert.Contains("2 page(s)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFile.Read(path, -1));
        var png = Assert.Throws<ArgumentOutOfRangeException>(() => ImageFile.Read(TestData.DsbImage(TestData.Dsb0ed3555a), 1));
        Assert.Contains("1 page(s)", png.Message);
    }

    [Fact]
    public void Jpeg_reads_close_to_the_image_it_was_encoded_from()
    {
        using var dir = new TempFolder();
        string path = dir.File("dsb.jpg");
        Image original = ImageFile.Read(TestData.DsbImage(TestData.Dsb0999dab0));
        WriteWithOpenCv(path, original, MatType.CV_8UC3);

        Image jpeg = ImageFile.Read(path);

        Assert.Equal((3, original.Height, original.Width), (jpeg.Channels, jpeg.Height, jpeg.Width));
        double meanError = 0;
        for (int i = 0; i < jpeg.Data.Length; i++)
        {
            meanError += Math.Abs(jpeg.Data[i] - original.Data[i]);
        }

        meanError /= jpeg.Data.Length;
        Assert.InRange(meanError, 0.0, 3.0);
        Assert.Equal(new ImageFileInfo(path, ImageFormat.Jpeg, original.Width, original.Height, 3, SampleType.UInt8, 1), ImageFile.Describe(path));
    }

    [Fact]
    public void Describe_agrees_with_read_on_the_fixture_dsb_images_and_masks()
    {
        // RGB and RGBA images, 16-bit masks: the kinds the full training set holds.
        Assert.Equal(7, AssertDescribeAgreesWithRead(TestData.DsbTrainImages, TestData.DsbTrainMasks));
    }

    [SharedDataFact]
    [Trait("Category", RepositoryLayout.SharedDataCategory)]
    public void Describe_agrees_with_read_on_every_dsb_training_image_and_mask()
    {
        Assert.Equal(72, AssertDescribeAgreesWithRead(TestData.SharedDsbTrainImages, TestData.SharedDsbTrainMasks));
        Assert.Equal(36, ImageFile.ListImages(TestData.SharedDsbTrainImages).Count);
    }

    private static int AssertDescribeAgreesWithRead(string images, string masks)
    {
        int files = 0;
        foreach (string path in ImageFile.ListImages(images).Concat(ImageFile.ListImages(masks)))
        {
            files++;
            ImageFileInfo info = ImageFile.Describe(path);
            Image image = ImageFile.Read(path);
            Assert.Equal((ImageFormat.Png, 1), (info.Format, info.PageCount));
            Assert.Equal((info.Channels, info.Height, info.Width), (image.Channels, image.Height, image.Width));
            float max = image.Buffer.Max();
            Assert.True(max <= (info.SampleType == SampleType.UInt8 ? 255 : 65535), path);
        }

        return files;
    }

    [Fact]
    public void Describe_reports_format_size_and_sample_type()
    {
        Assert.Equal(
            new ImageFileInfo(TestData.DsbImage(TestData.Dsb0999dab0), ImageFormat.Png, 253, 519, 3, SampleType.UInt8, 1),
            ImageFile.Describe(TestData.DsbImage(TestData.Dsb0999dab0)));
        Assert.Equal(
            new ImageFileInfo(TestData.DsbMask(TestData.Dsb0999dab0), ImageFormat.Png, 253, 519, 1, SampleType.UInt16, 1),
            ImageFile.Describe(TestData.DsbMask(TestData.Dsb0999dab0)));
        ImageFileInfo tiff = ImageFile.Describe(TestData.Stardist512Image);
        Assert.Equal((ImageFormat.Tiff, 512, 512, 1, SampleType.UInt16, 16), (tiff.Format, tiff.Width, tiff.Height, tiff.Channels, tiff.SampleType, tiff.BitsPerSample));
    }

    [Theory]
    [InlineData("a.png", true)]
    [InlineData("a.PNG", true)]
    [InlineData("dir/a.tif", true)]
    [InlineData("a.TIFF", true)]
    [InlineData("a.jpg", true)]
    [InlineData("a.jpeg", true)]
    [InlineData("a.bmp", false)]
    [InlineData("a.npy", false)]
    [InlineData("png", false)]
    [InlineData("a.png.txt", false)]
    public void IsSupported_goes_by_extension(string path, bool supported) =>
        Assert.Equal(supported, ImageFile.IsSupported(path));

    [Fact]
    public void ListImages_is_sorted_and_skips_other_and_hidden_files()
    {
        using var dir = new TempFolder();
        foreach (string name in new[] { "b.tif", "a.png", "C.jpg", "notes.txt", ".half-written.tmp.png", "d.TIFF" })
        {
            File.WriteAllBytes(dir.File(name), [1]);
        }

        Directory.CreateDirectory(dir.File("sub.png"));

        Assert.Equal(new[] { "C.jpg", "a.png", "b.tif", "d.TIFF" }, ImageFile.ListImages(dir.Path).Select(Path.GetFileName));
        Assert.Equal(new[] { TestData.Dsb0999dab0, TestData.Dsb0ed3555a }, ImageFile.ListImages(TestData.DsbTrainImages).Select(Path.GetFileName));
    }

    /// <summary>Writes <paramref name="image"/> (RGB planes) with OpenCV's encoder, which takes BGR.</summary>
    internal static unsafe void WriteWithOpenCv(string path, Image image, MatType type)
    {
        int channels = image.Channels;
        using var mat = new Mat(image.Height, image.Width, MatType.CV_32FC(channels));
        var dst = new Span<float>(mat.DataPointer, image.Data.Length);
        for (int c = 0; c < channels; c++)
        {
            int cv = channels is 3 or 4 && c is 0 or 2 ? 2 - c : c;
            ReadOnlySpan<float> plane = image.Plane(c);
            for (int i = 0; i < plane.Length; i++)
            {
                dst[(i * channels) + cv] = plane[i];
            }
        }

        using var typed = new Mat();
        mat.ConvertTo(typed, type);
        Assert.True(Cv2.ImWrite(path, typed), $"OpenCV could not write {path}");
    }
}

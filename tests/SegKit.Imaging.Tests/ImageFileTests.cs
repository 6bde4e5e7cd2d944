using OpenCvSharp;
using SegKit.Core;

namespace SegKit.Imaging.Tests;

public class ImageFileTests
{
    [Fact]
    public void Reads_an_8bit_rgb_png_as_stored_in_rgb_order()
    {
        var image = ImageFile.Read(Files.SampleImage);
        Assert.Equal((3, 256, 256), (image.Channels, image.Height, image.Width));
        Assert.InRange(image.Buffer.Max(), 100f, 255f);
        Assert.Equal(0f, image.Buffer.Min());
        // DSB fluorescence tiles are grey in three equal channels.
        Assert.Equal(image.Plane(0).ToArray(), image.Plane(2).ToArray());
    }

    [Fact]
    public void Colour_order_is_rgb_not_opencvs_bgr()
    {
        string dir = Files.TempDir();
        using var bgr = new Mat(2, 2, MatType.CV_8UC3, new Scalar(10, 20, 30)); // B=10, G=20, R=30
        var image = ImageFile.Read(Files.Write(dir, "c.png", bgr));
        Assert.Equal((30f, 20f, 10f), (image[0, 0, 0], image[1, 0, 0], image[2, 0, 0]));

        using var bgra = new Mat(2, 2, MatType.CV_8UC4, new Scalar(10, 20, 30, 40));
        var rgba = ImageFile.Read(Files.Write(dir, "c4.png", bgra));
        Assert.Equal((30f, 20f, 10f, 40f), (rgba[0, 1, 1], rgba[1, 1, 1], rgba[2, 1, 1], rgba[3, 1, 1]));
    }

    [Fact]
    public void Reads_real_16bit_and_8bit_tiffs()
    {
        foreach (string file in Directory.GetFiles(Path.Combine(Files.StardistDir, "images"), "*.tif"))
        {
            var info = ImageFile.Describe(file);
            var image = ImageFile.Read(file);
            Assert.Equal("TIFF", info.Format);
            Assert.Equal((info.Channels, info.Height, info.Width), (image.Channels, image.Height, image.Width));
            Assert.Contains(info.SampleType, new[] { "uint8", "uint16" });
            Assert.True(image.Buffer.Max() > image.Buffer.Min());
        }
    }

    [Theory]
    [InlineData(2, 60000.0)] // CV_16UC1
    [InlineData(4, 1234567.0)] // CV_32SC1
    [InlineData(5, -0.125)] // CV_32FC1
    [InlineData(21, 3.5)] // CV_32FC3
    public void Tiff_sample_types_keep_their_values(int type, double value)
    {
        string dir = Files.TempDir();
        using var mat = new Mat(5, 7, (MatType)type, Scalar.All(value));
        var image = ImageFile.Read(Files.Write(dir, "t.tif", mat));
        Assert.Equal((5, 7), (image.Height, image.Width));
        Assert.All(image.Buffer, v => Assert.Equal((float)value, v));
    }

    [Fact]
    public void Reads_a_chosen_page_of_a_stack_and_names_the_page_count_when_out_of_range()
    {
        string dir = Files.TempDir();
        string path = Path.Combine(dir, "stack.tif");
        Mat[] pages = [new Mat(4, 4, MatType.CV_16UC1, Scalar.All(1)), new Mat(4, 4, MatType.CV_16UC1, Scalar.All(2)), new Mat(4, 4, MatType.CV_16UC1, Scalar.All(3))];
        Assert.True(Cv2.ImWrite(path, pages));
        Assert.Equal(3f, ImageFile.Read(path, page: 2)[0, 0, 0]);
        Assert.Equal(3, ImageFile.Describe(path).Pages);
        var e = Assert.Throws<InvalidImageException>(() => ImageFile.Read(path, page: 3));
        Assert.Contains("3 page(s)", e.Message);
        Assert.Contains("stack.tif", e.Message);
    }

    [Fact]
    public void Reads_jpeg()
    {
        string dir = Files.TempDir();
        using var gray = new Mat(16, 16, MatType.CV_8UC1, Scalar.All(128));
        var image = ImageFile.Read(Files.Write(dir, "g.jpg", gray));
        Assert.Equal(1, image.Channels);
        Assert.InRange(image[0, 8, 8], 126f, 130f);
        Assert.Equal("JPEG", ImageFile.Describe(Path.Combine(dir, "g.jpg")).Format);
    }

    [Fact]
    public void Nan_and_infinity_in_float_tiffs_are_read_and_do_not_reach_the_overlay()
    {
        string dir = Files.TempDir();
        using var mat = new Mat(8, 8, MatType.CV_32FC1, Scalar.All(5));
        mat.Set(1, 1, float.NaN);
        mat.Set(2, 2, float.PositiveInfinity);
        mat.Set(3, 3, 9f);
        var image = ImageFile.Read(Files.Write(dir, "nan.tif", mat));
        Assert.True(float.IsNaN(image[0, 1, 1]));
        var labels = new Core.Images.LabelImage(8, 8);
        byte[] rgb = Overlay.Render(image, labels);
        Assert.Equal(rgb[0], rgb[((1 * 8) + 1) * 3]); // NaN shows as the low end, like the background
    }

    public static TheoryData<string, byte[]> BadFiles => new()
    {
        { "text.png", "not an image at all"u8.ToArray() },
        { "empty.tif", [] },
        { "zero.png", ZeroByZeroPng() },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Files_that_are_not_images_raise_a_typed_error_naming_the_file(string name, byte[] bytes)
    {
        string dir = Files.TempDir();
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidImageException>(() => ImageFile.Read(path));
        Assert.Contains(name, e.Message);
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void Truncated_png_and_tiff_raise_a_typed_error()
    {
        string dir = Files.TempDir();
        string tif = Directory.GetFiles(Path.Combine(Files.StardistDir, "images"), "*.tif")[0];
        foreach (string source in new[] { Files.SampleImage, tif })
        {
            byte[] bytes = File.ReadAllBytes(source);
            string cut = Path.Combine(dir, "cut" + Path.GetExtension(source));
            File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
            var e = Assert.Throws<InvalidImageException>(() => ImageFile.Read(cut));
            Assert.Contains("truncated", e.Message);
        }
    }

    [Fact]
    public void Missing_files_and_empty_folders_are_named()
    {
        Assert.Contains("file not found", Assert.Throws<InvalidImageException>(() => ImageFile.Read("/no/such/file.png")).Message);
        string dir = Files.TempDir();
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "x");
        var e = Assert.Throws<InvalidImageException>(() => ImageFile.ListImages(dir));
        Assert.Equal(dir, e.FilePath);
    }

    [Fact]
    public void Lists_images_sorted_and_skips_other_files()
    {
        string dir = Files.TempDir();
        using var mat = new Mat(2, 2, MatType.CV_8UC1, Scalar.All(1));
        Files.Write(dir, "b.TIF", mat);
        Files.Write(dir, "a.png", mat);
        File.WriteAllText(Path.Combine(dir, "c.csv"), "x");
        File.WriteAllText(Path.Combine(dir, ".a.tmp.png"), "x");
        Assert.Equal(new[] { "a.png", "b.TIF" }, ImageFile.ListImages(dir).Select(Path.GetFileName));
    }

    /// <summary>A syntactically valid PNG signature and IHDR chunk declaring a 0x0 image.</summary>
    private static byte[] ZeroByZeroPng()
    {
        byte[] ihdr = [(byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0];
        uint crc = Crc32(ihdr);
        return [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 0, 0, 0, 13, .. ihdr, (byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc];
    }

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}

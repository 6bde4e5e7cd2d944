using OpenCvSharp;
using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Core.Transforms;
using SegKit.Testing;

namespace SegKit.Imaging.Tests;

/// <summary>Every kind of bad input gives an <see cref="InvalidImageException"/> naming the file and the problem.</summary>
public class ImageFileBadInputTests
{
    [Fact]
    public void Missing_file()
    {
        string path = Path.Combine(Path.GetTempPath(), "segkit-no-such-file-" + Guid.NewGuid().ToString("N") + ".png");

        AssertInvalid(path, "does not exist", () => ImageFile.Read(path));
        AssertInvalid(path, "does not exist", () => ImageFile.Describe(path));
        AssertInvalid(path, "does not exist", () => LabelImageFile.Read(path));
    }

    [Fact]
    public void A_folder_is_not_an_image()
    {
        using var dir = new TempFolder();
        AssertInvalid(dir.Path, "is a folder", () => ImageFile.Read(dir.Path));
    }

    [Fact]
    public void Text_file_named_png_is_not_an_image()
    {
        using var dir = new TempFolder();
        string path = dir.File("notes.png");
        File.WriteAllText(path, "hello, this is not a picture");

        var e = AssertInvalid(path, "not a PNG, TIFF or JPEG image", () => ImageFile.Read(path));
        Assert.Contains("68656C6C", e.Message); // "hell": the bytes found instead of a signature
        AssertInvalid(path, "not a PNG, TIFF or JPEG image", () => ImageFile.Describe(path));
    }

    [Theory]
    [InlineData(0, "empty")]
    [InlineData(3, "not a PNG, TIFF or JPEG")]
    public void Empty_and_tiny_files(int length, string problem)
    {
        using var dir = new TempFolder();
        string path = dir.File("tiny.tif");
        File.WriteAllBytes(path, new byte[length]);

        AssertInvalid(path, problem, () => ImageFile.Read(path));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.01)]
    public void Truncated_real_png(double keep)
    {
        using var dir = new TempFolder();
        string path = dir.File("cut.png");
        byte[] whole = File.ReadAllBytes(TestData.DsbImage(TestData.Dsb0999dab0));
        File.WriteAllBytes(path, whole[..(int)(whole.Length * keep)]);

        AssertInvalid(path, "truncated", () => ImageFile.Read(path));
        AssertInvalid(path, "truncated", () => LabelImageFile.Read(path));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    public void Png_cut_just_before_its_end(int cut)
    {
        using var dir = new TempFolder();
        string path = dir.File("cut.png");
        byte[] whole = File.ReadAllBytes(TestData.DsbMask(TestData.Dsb0999dab0));
        File.WriteAllBytes(path, whole[..^cut]);

        AssertInvalid(path, "truncated", () => LabelImageFile.Read(path));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(262_144)]
    [InlineData(524_000)]
    public void Truncated_real_tiff_is_caught_by_the_header_check(int cut)
    {
        using var dir = new TempFolder();
        string path = dir.File("cut.tif");
        byte[] whole = File.ReadAllBytes(TestData.Stardist512Image);
        File.WriteAllBytes(path, whole[..^cut]);

        var e = AssertInvalid(path, "truncated", () => ImageFile.Read(path));
        Assert.Contains($"the file has {whole.Length - cut}", e.Message);
        AssertInvalid(path, "truncated", () => ImageFile.Describe(path));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(30)]
    [InlineData(120)]
    public void Truncated_opencv_tiff_whose_directory_comes_last(int cut)
    {
        // OpenCV writes the pixel data first and the directory at the end, so a cut removes the directory.
        using var dir = new TempFolder();
        string path = dir.File("cut.tif");
        using (var m = new Mat(20, 30, MatType.CV_16UC1, new Scalar(1234)))
        {
            Assert.True(Cv2.ImWrite(path, m));
        }

        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..^cut]);

        AssertInvalid(path, "truncated", () => ImageFile.Read(path));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public void Truncated_jpeg(double keep)
    {
        using var dir = new TempFolder();
        string path = dir.File("cut.jpg");
        ImageFileTests.WriteWithOpenCv(path, ImageFile.Read(TestData.DsbImage(TestData.Dsb0999dab0)), MatType.CV_8UC3);
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..(int)(whole.Length * keep)]);

        AssertInvalid(path, "truncated", () => ImageFile.Read(path));
    }

    [Fact]
    public void Corrupt_png_data_with_a_complete_structure()
    {
        using var dir = new TempFolder();
        string path = dir.File("bad.png");
        byte[] bytes = File.ReadAllBytes(TestData.DsbImage(TestData.Dsb0999dab0));
        for (int i = 100; i < 2000; i++)
        {
            bytes[i] ^= 0x5A; // scramble compressed data inside the file, leaving its end intact
        }

        File.WriteAllBytes(path, bytes);

        AssertInvalid(path, "cannot be decoded", () => ImageFile.Read(path));
    }

    [Fact]
    public void Png_chunk_length_pointing_past_the_end_is_caught_before_decoding()
    {
        // The decoder trusted such a length and spent seconds allocating for it.
        using var dir = new TempFolder();
        string path = dir.File("long-chunk.png");
        byte[] bytes = PngBuilder.Build(4, 3, 16, 0, new byte[24]);
        bytes[33] = 5; // high byte of the IDAT chunk's length: 83 MB claimed in a 100-byte file
        File.WriteAllBytes(path, bytes);

        var e = AssertInvalid(path, "truncated: the IDAT chunk at byte 33", () => ImageFile.Read(path));
        Assert.Contains($"the file has {bytes.Length}", e.Message);
        bytes[33] = 133; // beyond 2^31 - 1, which PNG forbids outright
        File.WriteAllBytes(path, bytes);
        AssertInvalid(path, "more than PNG allows", () => ImageFile.Read(path));
    }

    [Fact]
    public void Png_header_promising_more_pixels_than_the_file_can_hold()
    {
        using var dir = new TempFolder();
        string path = dir.File("huge.png");
        byte[] bytes = PngBuilder.Build(40_000, 1, 8, 0, new byte[40_000]);
        bytes[23] = 0xFF; // the height's two low bytes (IHDR data starts at byte 16): 1 row becomes 4,351,
        bytes[22] = 0x10; // 174 MB of pixels from a file of about a hundred bytes
        File.WriteAllBytes(path, bytes);

        AssertInvalid(path, "40000x4351 pixels, which a", () => ImageFile.Describe(path));
    }

    [Fact]
    public void Zero_by_zero_png()
    {
        using var dir = new TempFolder();
        string path = dir.File("empty.png");
        File.WriteAllBytes(path, PngBuilder.Build(0, 0, 8, 0, []));

        AssertInvalid(path, "0x0", () => ImageFile.Read(path));
        AssertInvalid(path, "0x0", () => ImageFile.Describe(path));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(5, 0)]
    public void Zero_sized_tiff(int width, int height)
    {
        using var dir = new TempFolder();
        string path = dir.File("empty.tif");
        File.WriteAllBytes(path, TiffBuilder.Build(new TiffPageSpec(width, height, 1, Array.Empty<byte>())));

        AssertInvalid(path, $"{width}x{height}", () => ImageFile.Read(path));
    }

    [Fact]
    public void Tiff_whose_page_chain_loops()
    {
        using var dir = new TempFolder();
        string path = dir.File("loop.tif");
        File.WriteAllBytes(path, TiffBuilder.Build(false, loop: true, new TiffPageSpec(1, 1, 1, new byte[] { 1 }), new TiffPageSpec(1, 1, 1, new byte[] { 2 })));

        AssertInvalid(path, "loops", () => ImageFile.Describe(path));
    }

    [Fact]
    public void Float_tiff_with_nan_and_infinities_reads_as_stored_and_normalises_without_nan()
    {
        using var dir = new TempFolder();
        string path = dir.File("nan.tif");
        var values = new float[64];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i;
        }

        values[3] = float.NaN;
        values[10] = float.PositiveInfinity;
        values[20] = float.NegativeInfinity;
        File.WriteAllBytes(path, TiffBuilder.Build(new TiffPageSpec(8, 8, 1, values)));

        Image image = ImageFile.Read(path);
        Assert.True(float.IsNaN(image.Buffer[3]));
        Assert.Equal(float.PositiveInfinity, image.Buffer[10]);
        Assert.Equal(float.NegativeInfinity, image.Buffer[20]);

        Image normalised = Normalization.Normalize99(image);
        Assert.All(normalised.Buffer, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(0f, normalised.Buffer[3]);
        Assert.True(normalised.Buffer[10] >= normalised.Buffer[63], "+Inf takes the largest finite value");
        Assert.True(normalised.Buffer[20] <= normalised.Buffer[0], "-Inf takes the smallest finite value");
    }

    [Fact]
    public void Uint32_tiff_with_compression_gives_a_clear_error()
    {
        using var dir = new TempFolder();
        string path = dir.File("u32.tif");
        byte[] bytes = TiffBuilder.Build(new TiffPageSpec(2, 1, 1, new uint[] { 1, 2 }));

        // Patch the compression tag (259, SHORT, 1) value from 1 (none) to 5 (LZW).
        int at = FindTag(bytes, 259);
        bytes[at + 8] = 5;
        File.WriteAllBytes(path, bytes);

        AssertInvalid(path, "compression 5", () => ImageFile.Read(path));
    }

    internal static InvalidImageException AssertInvalid(string path, string problem, Action read)
    {
        var e = Assert.Throws<InvalidImageException>(read);
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(problem, e.Message);
        return e;
    }

    internal static InvalidImageException AssertInvalid<T>(string path, string problem, Func<T> read) =>
        AssertInvalid(path, problem, () => { read(); });

    /// <summary>Offset of a tag's entry in the first directory of a little-endian classic TIFF.</summary>
    internal static int FindTag(byte[] tiff, ushort tag)
    {
        int ifd = BitConverter.ToInt32(tiff, 4);
        int count = BitConverter.ToUInt16(tiff, ifd);
        for (int i = 0; i < count; i++)
        {
            int entry = ifd + 2 + (12 * i);
            if (BitConverter.ToUInt16(tiff, entry) == tag)
            {
                return entry;
            }
        }

        throw new InvalidOperationException($"tag {tag} not found");
    }
}

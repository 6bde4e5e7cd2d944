using OpenCvSharp;
using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Testing;

namespace SegKit.Imaging.Tests;

public class LabelImageFileTests
{
    [Theory]
    [InlineData("dsb_31f1fbe8", "31f1fbe85b8899258ea5bcf5f93f7ac8238660c386aeab40649c715bd2e38a0a.png")]
    [InlineData("dsb_0ed3555a", TestData.Dsb0ed3555a)]
    [InlineData("dsb_912a679e", "912a679e4b9b1d1a75170254fd675b8c24b664d80ad7ea7e460241a23535a406.png")]
    [InlineData("dsb_4be73d68", "4be73d68f433869188fe5e7f09c7f681ed51003da6aa5d19ce368726d8e271ee.png")]
    public void Dsb_png_masks_equal_the_cellpose_fixture_labels(string fixture, string mask)
    {
        // The fixtures are these files as Cellpose read them, renumbered 1..N in raster order.
        LabelImage labels = LabelImageFile.Read(TestData.DsbMask(mask));
        LabelImage expected = TestData.FixtureLabels(fixture + ".labels.npy");

        Assert.Equal(expected.Buffer, labels.Renumber().Buffer);
        Assert.Equal(expected.MaxLabel, labels.CountObjects());
    }

    [Theory]
    [InlineData("stardist_512")]
    [InlineData("stardist_256")]
    public void Stardist_tiff_masks_equal_the_cellpose_fixture_labels(string fixture)
    {
        string path = fixture == "stardist_512" ? TestData.Stardist512Mask : TestData.Stardist256Mask;
        LabelImage labels = LabelImageFile.Read(path);

        Assert.Equal(TestData.FixtureLabels(fixture + ".labels.npy").Buffer, labels.Renumber().Buffer);
    }

    [Theory]
    [InlineData("labels.png")]
    [InlineData("labels.tif")]
    [InlineData("labels.TIFF")]
    public void Real_mask_round_trips_as_16_bit(string name)
    {
        using var dir = new TempFolder();
        string path = dir.File(name);
        LabelImage labels = LabelImageFile.Read(TestData.Stardist512Mask);

        LabelImageFile.Write(path, labels);

        Assert.Equal(labels.Buffer, LabelImageFile.Read(path).Buffer);
        ImageFileInfo info = ImageFile.Describe(path);
        Assert.Equal((1, SampleType.UInt16, 512, 512), (info.Channels, info.SampleType, info.Width, info.Height));
        Assert.Equal([name], dir.Names());
    }

    [Fact]
    public void More_than_65535_labels_round_trip_through_a_32_bit_tiff()
    {
        using var dir = new TempFolder();
        string path = dir.File("many.tif");
        var data = new int[300 * 300];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = i + 1; // 90,000 one-pixel objects
        }

        data[0] = 0;
        data[5] = int.MaxValue;
        var labels = new LabelImage(300, 300, data);

        LabelImageFile.Write(path, labels);
        LabelImage back = LabelImageFile.Read(path);

        Assert.Equal(data, back.Buffer);
        Assert.Equal(int.MaxValue, back.MaxLabel);
        Assert.Equal(SampleType.Int32, ImageFile.Describe(path).SampleType);
    }

    [Fact]
    public void Exactly_65535_labels_stay_16_bit()
    {
        using var dir = new TempFolder();
        string path = dir.File("edge.png");
        var labels = new LabelImage(1, 3, [0, 1, 65535]);

        LabelImageFile.Write(path, labels);

        Assert.Equal([0, 1, 65535], LabelImageFile.Read(path).Buffer);
        Assert.Equal(SampleType.UInt16, ImageFile.Describe(path).SampleType);
    }

    [Fact]
    public void Uint32_tiff_labels_as_other_tools_write_them_are_read()
    {
        // tifffile / scikit-image save big label images as uint32, which OpenCV's decoder refuses.
        using var dir = new TempFolder();
        string little = dir.File("u32le.tif");
        string big = dir.File("u32be.tif");
        uint[] values = [0, 70_000, 1, 2_147_483_647, 5, 65_536];
        File.WriteAllBytes(little, TiffBuilder.Build(new TiffPageSpec(3, 2, 1, values)));
        File.WriteAllBytes(big, TiffBuilder.Build(bigEndian: true, loop: false, new TiffPageSpec(3, 2, 1, values)));

        int[] expected = values.Select(v => (int)v).ToArray();
        Assert.Equal(expected, LabelImageFile.Read(little).Buffer);
        Assert.Equal(expected, LabelImageFile.Read(big).Buffer);
        Assert.Equal(SampleType.UInt32, ImageFile.Describe(little).SampleType);
        Assert.Equal(values.Select(v => (float)v).ToArray(), ImageFile.Read(big).Buffer);
    }

    [Fact]
    public void Integer_valued_float_tiff_labels_are_accepted()
    {
        using var dir = new TempFolder();
        string path = dir.File("float.tif");
        File.WriteAllBytes(path, TiffBuilder.Build(new TiffPageSpec(2, 2, 1, new float[] { 0, 3, 70000, 1 })));

        Assert.Equal([0, 3, 70000, 1], LabelImageFile.Read(path).Buffer);
    }

    [Theory]
    [InlineData("i8.tif")]
    [InlineData("i16.tif")]
    [InlineData("u8.png")]
    public void Small_integer_types_are_accepted(string name)
    {
        using var dir = new TempFolder();
        string path = dir.File(name);
        byte[] bytes = name switch
        {
            "i8.tif" => TiffBuilder.Build(new TiffPageSpec(3, 1, 1, new sbyte[] { 0, 7, 127 })),
            "i16.tif" => TiffBuilder.Build(new TiffPageSpec(3, 1, 1, new short[] { 0, 7, 127 })),
            _ => PngBuilder.Build(3, 1, 8, 0, [0, 7, 127]),
        };
        File.WriteAllBytes(path, bytes);

        Assert.Equal([0, 7, 127], LabelImageFile.Read(path).Buffer);
    }

    [Fact]
    public void Write_replaces_an_existing_file_and_leaves_no_temporary()
    {
        using var dir = new TempFolder();
        string path = dir.File("labels.tif");
        File.WriteAllText(path, "old content");

        LabelImageFile.Write(path, new LabelImage(2, 2, [0, 1, 2, 3]));

        Assert.Equal([0, 1, 2, 3], LabelImageFile.Read(path).Buffer);
        Assert.Equal(["labels.tif"], dir.Names());
    }

    [Fact]
    public void Negative_label_names_the_file_and_the_pixel()
    {
        using var dir = new TempFolder();
        string path = dir.File("neg.tif");
        File.WriteAllBytes(path, TiffBuilder.Build(new TiffPageSpec(3, 2, 1, new[] { 0, 1, 2, 3, -4, 5 })));

        var e = ImageFileBadInputTests.AssertInvalid(path, "negative", () => LabelImageFile.Read(path));
        Assert.Contains("-4", e.Message);
        Assert.Contains("row 1, column 1", e.Message);
    }

    [Theory]
    [InlineData(1.5f, "not a whole number")]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "larger than the largest label")]
    [InlineData(-2f, "negative")]
    [InlineData(3e9f, "larger than the largest label")]
    public void Bad_float_label_names_the_file_and_the_first_bad_pixel(float bad, string problem)
    {
        using var dir = new TempFolder();
        string path = dir.File("bad.tif");
        var values = new float[12];
        values[7] = bad;  // row 1, column 3 of a 4-wide image
        values[10] = 0.25f;
        File.WriteAllBytes(path, TiffBuilder.Build(new TiffPageSpec(4, 3, 1, values)));

        var e = ImageFileBadInputTests.AssertInvalid(path, problem, () => LabelImageFile.Read(path));
        Assert.Contains("row 1, column 3", e.Message);
    }

    [Fact]
    public void Uint32_label_above_int_range_is_refused()
    {
        using var dir = new TempFolder();
        string path = dir.File("huge.tif");
        File.WriteAllBytes(path, TiffBuilder.Build(new TiffPageSpec(2, 1, 1, new uint[] { 1, 3_000_000_000 })));

        var e = ImageFileBadInputTests.AssertInvalid(path, "larger than the largest label", () => LabelImageFile.Read(path));
        Assert.Contains("row 0, column 1", e.Message);
    }

    [Fact]
    public void Multi_channel_label_file_is_refused()
    {
        ImageFileBadInputTests.AssertInvalid(TestData.DsbImage(TestData.Dsb0999dab0), "one channel; this one has 3", () => LabelImageFile.Read(TestData.DsbImage(TestData.Dsb0999dab0)));
    }

    [Fact]
    public void Jpeg_label_file_is_refused()
    {
        using var dir = new TempFolder();
        string path = dir.File("labels.jpg");
        using (var m = new Mat(4, 4, MatType.CV_8UC1, new Scalar(3)))
        {
            Assert.True(Cv2.ImWrite(path, m));
        }

        ImageFileBadInputTests.AssertInvalid(path, "JPEG", () => LabelImageFile.Read(path));
    }

    [Fact]
    public void Png_cannot_hold_more_than_65535_labels_and_nothing_is_written()
    {
        using var dir = new TempFolder();
        string path = dir.File("many.png");

        var e = Assert.Throws<OutputWriteException>(() => LabelImageFile.Write(path, new LabelImage(1, 2, [1, 65536])));

        Assert.Equal(path, e.FilePath);
        Assert.Contains("65,536", e.Message);
        Assert.Contains(".tif", e.Message);
        Assert.Empty(dir.Names());
    }

    [Fact]
    public void Unknown_extension_is_an_argument_error()
    {
        using var dir = new TempFolder();
        var e = Assert.Throws<ArgumentException>(() => LabelImageFile.Write(dir.File("labels.jpg"), new LabelImage(1, 1, [1])));

        Assert.Equal("path", e.ParamName);
        Assert.Empty(dir.Names());
    }

    [Fact]
    public void Missing_output_folder()
    {
        using var dir = new TempFolder();
        string path = Path.Combine(dir.Path, "no-such-folder", "labels.png");

        var e = Assert.Throws<OutputWriteException>(() => LabelImageFile.Write(path, new LabelImage(1, 1, [1])));

        Assert.Contains("does not exist", e.Message);
        Assert.Contains(Path.Combine(dir.Path, "no-such-folder"), e.Message);
        Assert.Empty(dir.Names());
    }

    [Fact]
    public void Output_folder_that_is_a_file()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("blocker"), "x");
        string path = Path.Combine(dir.Path, "blocker", "labels.tif");

        Assert.Throws<OutputWriteException>(() => LabelImageFile.Write(path, new LabelImage(1, 1, [1])));
        Assert.Equal(["blocker"], dir.Names());
    }

    [Fact]
    public void Unwritable_output_folder_leaves_nothing_behind()
    {
        // Root ignores permission bits, so use a read-only file system when the tests run as root.
        string folder = Environment.UserName == "root" ? "/proc" : MakeReadOnlyFolder();
        string path = Path.Combine(folder, "segkit-labels.png");

        var e = Assert.Throws<OutputWriteException>(() => LabelImageFile.Write(path, new LabelImage(1, 1, [1])));

        Assert.Equal(path, e.FilePath);
        Assert.Contains("cannot write", e.Message);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(folder, ".segkit-labels*"));
    }

    private static string MakeReadOnlyFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "segkit-ro-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        return folder;
    }
}

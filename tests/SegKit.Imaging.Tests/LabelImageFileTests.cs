using OpenCvSharp;
using SegKit.Core;
using SegKit.Core.Images;

namespace SegKit.Imaging.Tests;

public class LabelImageFileTests
{
    [Fact]
    public void Reads_real_16bit_png_and_tiff_masks()
    {
        var png = LabelImageFile.Read(Files.SampleMask);
        Assert.Equal(45, png.CountObjects());
        foreach (string file in Directory.GetFiles(Path.Combine(Files.StardistDir, "masks"), "*.tif"))
        {
            Assert.InRange(LabelImageFile.Read(file).CountObjects(), 50, 200);
        }
    }

    [Theory]
    [InlineData("labels.png")]
    [InlineData("labels.tif")]
    public void Round_trips_16bit(string name)
    {
        string dir = Files.TempDir();
        var labels = LabelImageFile.Read(Files.SampleMask);
        string path = Path.Combine(dir, name);
        LabelImageFile.Write(path, labels);
        Assert.Equal(labels.Buffer, LabelImageFile.Read(path).Buffer);
        using var raw = Cv2.ImRead(path, ImreadModes.Unchanged);
        Assert.Equal(MatType.CV_16UC1, raw.Type());
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void More_than_65535_objects_go_to_a_32bit_tiff_and_are_refused_as_png()
    {
        string dir = Files.TempDir();
        var labels = new LabelImage(300, 300);
        for (int i = 0; i < labels.PixelCount; i++)
        {
            labels.Data[i] = i + 1; // 90,000 one-pixel objects
        }

        labels.Refresh();
        string tif = Path.Combine(dir, "many.tif");
        LabelImageFile.Write(tif, labels);
        using (var raw = Cv2.ImRead(tif, ImreadModes.Unchanged))
        {
            Assert.Equal(MatType.CV_32SC1, raw.Type());
        }

        Assert.Equal(labels.Buffer, LabelImageFile.Read(tif).Buffer);
        var e = Assert.Throws<OutputWriteException>(() => LabelImageFile.Write(Path.Combine(dir, "many.png"), labels));
        Assert.Contains("16-bit PNG", e.Message);
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void Negative_or_fractional_labels_are_rejected_with_the_pixel()
    {
        string dir = Files.TempDir();
        using var negative = new Mat(3, 3, MatType.CV_16SC1, Scalar.All(0));
        negative.Set(1, 2, (short)-4);
        var e = Assert.Throws<InvalidImageException>(() => LabelImageFile.Read(Files.Write(dir, "neg.tif", negative)));
        Assert.Contains("(1,2)", e.Message);
        Assert.Contains("neg.tif", e.Message);

        using var fractional = new Mat(3, 3, MatType.CV_32FC1, Scalar.All(2));
        fractional.Set(0, 1, 2.5f);
        e = Assert.Throws<InvalidImageException>(() => LabelImageFile.Read(Files.Write(dir, "frac.tif", fractional)));
        Assert.Contains("2.5", e.Message);

        using var integral = new Mat(3, 3, MatType.CV_32FC1, Scalar.All(7));
        Assert.Equal(7, LabelImageFile.Read(Files.Write(dir, "int.tif", integral)).MaxLabel);
    }

    [Fact]
    public void Colour_files_are_not_label_images()
    {
        var e = Assert.Throws<InvalidImageException>(() => LabelImageFile.Read(Files.SampleImage));
        Assert.Contains("one channel", e.Message);
    }

    [Fact]
    public void Writing_into_a_missing_or_blocked_folder_leaves_nothing()
    {
        string dir = Files.TempDir();
        string blocker = Path.Combine(dir, "file");
        File.WriteAllText(blocker, "x");
        Assert.Throws<OutputWriteException>(() => LabelImageFile.Write(Path.Combine(blocker, "l.tif"), new LabelImage(2, 2)));
        Assert.Throws<OutputWriteException>(() => LabelImageFile.Write(Path.Combine(dir, "l.bmp"), new LabelImage(2, 2)));
        Assert.Single(Directory.GetFiles(dir));
    }
}

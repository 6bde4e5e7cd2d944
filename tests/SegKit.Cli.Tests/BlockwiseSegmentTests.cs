using SegKit.Core.Blocks;
using SegKit.Core.Images;
using SegKit.Core.Metrics;
using SegKit.Imaging;
using SegKit.Testing;

namespace SegKit.Cli.Tests;

/// <summary>segkit segment block by block on real nuclei, against the same image segmented in one piece.</summary>
public sealed class BlockwiseSegmentTests : IDisposable
{
    private readonly string _work = Repo.NewTempDir();

    public void Dispose() => Directory.Delete(_work, recursive: true);

    /// <summary>A 1536 x 1536 tiled TIFF: the two 256 x 256 sample images, flipped and rotated, in a 6 x 6 grid.</summary>
    private string Mosaic()
    {
        Image[] samples = Directory.GetFiles(Repo.SampleImages, "*.png").Order().Select(f => ImageFile.Read(f)).ToArray();
        var mosaic = new Image(3, 1536, 1536);
        for (int ty = 0; ty < 6; ty++)
        {
            for (int tx = 0; tx < 6; tx++)
            {
                Image tile = samples[(ty + tx) % 2];
                int variant = ((ty * 6) + tx) % 4;
                for (int c = 0; c < 3; c++)
                {
                    ReadOnlySpan<float> from = tile.Plane(c);
                    Span<float> to = mosaic.Plane(c);
                    for (int y = 0; y < 256; y++)
                    {
                        for (int x = 0; x < 256; x++)
                        {
                            (int sy, int sx) = variant switch { 0 => (y, x), 1 => (y, 255 - x), 2 => (255 - y, x), _ => (x, y) };
                            to[(((ty * 256) + y) * 1536) + (tx * 256) + x] = from[(sy * 256) + sx];
                        }
                    }
                }
            }
        }

        string path = Path.Combine(_work, "mosaic.tif");
        TiffFiles.Write8Bit(path, mosaic, 256, bigTiff: true);
        return path;
    }

    [Fact]
    public void Blocks_of_512_give_the_whole_image_objects_at_AP50_above_0_99_and_count_within_half_a_percent()
    {
        string image = Mosaic();
        string whole = Path.Combine(_work, "whole");
        string blocks = Path.Combine(_work, "blocks");

        CliRun one = CliRun.Of("segment", image, "--out", whole, "--diameter", "18");
        CliRun blockwise = CliRun.Of("segment", image, "--out", blocks, "--diameter", "18", "--blocks", "--block-size", "512");

        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.True(blockwise.ExitCode == 0, blockwise.ToString());
        Assert.Contains("mosaic.tif: 1536x1536 in blocks of 512 with 64 px of overlap, diameter 18 px", blockwise.Out);
        Assert.Contains("(block by block)", blockwise.Out);
        LabelImage reference = LabelImageFile.Read(Path.Combine(whole, "mosaic_masks.tif"));
        LabelImage stitched;
        using (TiffBlockSource labels = TiffBlockSource.Open(Path.Combine(blocks, "mosaic_masks.tif")))
        {
            stitched = new LabelImage(1536, 1536, Array.ConvertAll(labels.Read(new BlockRegion(0, 0, 1536, 1536)).Buffer, v => (int)v));
        }

        int count = stitched.CountObjects();
        Assert.True(reference.CountObjects() > 1000, $"{reference.CountObjects()} objects");
        Assert.InRange(Math.Abs(count - reference.CountObjects()) / (double)reference.CountObjects(), 0, 0.005);
        InstanceEvaluation agreement = InstanceMetrics.Evaluate(reference, stitched, [0.5]);
        Assert.True(agreement.Scores[0].AveragePrecision >= 0.99, $"AP@0.5 {agreement.Scores[0].AveragePrecision:0.0000}");
        // The table lists every object once, labelled as in the masks; no overlay for a block-wise image.
        string[] table = File.ReadAllLines(Path.Combine(blocks, "mosaic_objects.csv"));
        Assert.Equal(count + 1, table.Length);
        Assert.False(File.Exists(Path.Combine(blocks, "mosaic_overlay.png")));
        Assert.Empty(Directory.GetFiles(blocks, ".*"));
    }

    [Fact]
    public void A_png_above_the_limit_is_refused_with_the_memory_it_would_need_and_a_tiff_is_segmented_by_blocks()
    {
        string image = Mosaic();
        string png = Path.Combine(_work, "mosaic.png");
        File.WriteAllBytes(png, Png(ImageFile.Read(image)));

        CliRun refused = CliRun.Of("segment", png, "--out", Path.Combine(_work, "png"), "--max-megapixels", "1");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("mosaic.png: is 1536 x 1536 (2.4 megapixels), above the limit of 1 megapixels for one piece; a PNG cannot be read block by block", refused.Error);
        Assert.Contains("decoded whole first (about 28 MB)", refused.Error);

        CliRun tiff = CliRun.Of("segment", image, "--out", Path.Combine(_work, "tiff"), "--max-megapixels", "1", "--diameter", "18", "--block-size", "768");
        Assert.True(tiff.ExitCode == 0, tiff.ToString());
        Assert.Contains("in blocks of 768", tiff.Out);
    }

    [Theory]
    [InlineData("--method", "classical", "--blocks needs a model: the classical method segments whole images only")]
    [InlineData("--block-size", "300", "--block-size must be a multiple of 256 (at least 256), not 300")]
    public void Block_options_that_cannot_apply_are_usage_errors(string option, string value, string message)
    {
        string[] extra = option == "--method" ? [option, value, "--blocks"] : [option, value];
        CliRun run = CliRun.Of(["segment", Path.Combine(Repo.SampleImages, "dsb_4be73d68.png"), "--out", Path.Combine(_work, "x"), .. extra]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
    }

    /// <summary>An 8-bit RGB image as PNG bytes (OpenCV's encoder, BGR order).</summary>
    private static byte[] Png(Image image)
    {
        byte[] bgr = new byte[image.Height * image.Width * 3];
        for (int i = 0; i < image.Height * image.Width; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                bgr[(i * 3) + 2 - c] = (byte)image.Plane(c)[i];
            }
        }

        using var mat = OpenCvSharp.Mat.FromPixelData(image.Height, image.Width, OpenCvSharp.MatType.CV_8UC3, bgr);
        OpenCvSharp.Cv2.ImEncode(".png", mat, out byte[] encoded);
        return encoded;
    }
}

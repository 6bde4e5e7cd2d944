using BitMiracle.LibTiff.Classic;
using SegKit.Core;
using SegKit.Core.Blocks;
using SegKit.Core.Images;
using SegKit.Testing;

namespace SegKit.Imaging.Tests;

/// <summary>Reading TIFFs region by region and writing tiled BigTIFF label images band by band.</summary>
public sealed class TiffBlockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("segkit-tiff-blocks-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A 3-channel 8-bit image whose pixels all differ in a known way (so any misplaced byte shows).</summary>
    private static Image Pattern(int height, int width, int channels)
    {
        var image = new Image(channels, height, width);
        for (int c = 0; c < channels; c++)
        {
            Span<float> plane = image.Plane(c);
            for (int i = 0; i < plane.Length; i++)
            {
                plane[i] = ((i * 7) + (c * 31) + (i / width * 13)) % 256;
            }
        }

        return image;
    }

    [Theory]
    [InlineData(64, 0, 3, false)]
    [InlineData(0, 40, 3, false)]
    [InlineData(128, 0, 1, true)]
    [InlineData(0, 1, 1, true)]
    public void Any_region_of_a_tiled_or_striped_tiff_reads_as_the_same_crop_of_the_whole_image(int tile, int rowsPerStrip, int channels, bool bigTiff)
    {
        Image image = Pattern(300, 230, channels);
        string path = Path.Combine(_dir, "pattern.tif");
        TiffFiles.Write8Bit(path, image, tile, rowsPerStrip, bigTiff);

        using TiffBlockSource source = TiffBlockSource.Open(path);
        Assert.Equal((300, 230, channels, tile > 0), (source.Height, source.Width, source.Channels, source.Tiled));
        // The whole-image reader (OpenCV) agrees, so the file is what it should be.
        Assert.Equal(image.Buffer, ImageFile.Read(path).Buffer);
        foreach (BlockRegion region in new[] { new BlockRegion(0, 0, 300, 230), new BlockRegion(63, 65, 70, 100), new BlockRegion(299, 229, 1, 1), new BlockRegion(10, 200, 290, 30) })
        {
            Image expected = image.Crop(region.Top, region.Left, region.Height, region.Width);
            Assert.Equal(expected.Buffer, source.Read(region).Buffer);
        }

        Assert.Empty(source.Problems);
        Assert.Throws<ArgumentOutOfRangeException>(() => source.Read(new BlockRegion(250, 0, 51, 10)));
    }

    [Fact]
    public void A_corrupt_tile_is_reported_once_and_read_as_zeros_while_the_other_tiles_read_as_written()
    {
        Image image = Pattern(256, 256, 1);
        string path = Path.Combine(_dir, "damaged.tif");
        TiffFiles.Write8Bit(path, image, 64);
        // Overwrite the deflate data of the tile at x 64, y 128 (index 9 in a 4 x 4 grid) with garbage.
        long offset, count;
        using (Tiff tiff = Tiff.Open(path, "r")!)
        {
            offset = tiff.GetField(TiffTag.TILEOFFSETS)[0].TolongArray()[9];
            count = tiff.GetField(TiffTag.TILEBYTECOUNTS)[0].TolongArray()[9];
        }

        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Position = offset + 2;
            file.Write(Enumerable.Repeat((byte)0xA5, (int)count - 2).ToArray());
        }

        using TiffBlockSource source = TiffBlockSource.Open(path);
        Image read = source.Read(new BlockRegion(0, 0, 256, 256));
        source.Read(new BlockRegion(100, 50, 100, 100));

        string problem = Assert.Single(source.Problems);
        Assert.Contains("damaged.tif: the tile at x 64, y 128 (64x64) cannot be decoded", problem);
        for (int y = 0; y < 256; y++)
        {
            for (int x = 0; x < 256; x++)
            {
                bool damaged = y is >= 128 and < 192 && x is >= 64 and < 128;
                Assert.Equal(damaged ? 0 : image.Plane(0)[(y * 256) + x], read.Plane(0)[(y * 256) + x]);
            }
        }
    }

    [Fact]
    public void A_non_tiff_or_an_unsupported_layout_is_refused_naming_the_file()
    {
        string png = Path.Combine(_dir, "x.tif");
        File.WriteAllBytes(png, [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3, 4]);
        var e = Assert.Throws<InvalidImageException>(() => TiffBlockSource.Open(png));
        Assert.Contains("x.tif: not a readable TIFF", e.Message);
        Assert.Contains("does not exist", Assert.Throws<InvalidImageException>(() => TiffBlockSource.Open(Path.Combine(_dir, "missing.tif"))).Message);
    }

    [Fact]
    public void Labels_written_band_by_band_read_back_from_the_tiled_bigtiff_and_nothing_is_left_when_unfinished()
    {
        var labels = new int[700 * 520];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = i % 11 == 0 ? 0 : 70_000 + (i / 97);
        }

        string path = Path.Combine(_dir, "labels.tif");
        using (var writer = new TiledLabelTiffWriter(path, 700, 520))
        {
            foreach ((int top, int rows) in new[] { (0, 256), (256, 300), (556, 144) })
            {
                writer.WriteBand(top, rows, labels.AsSpan(top * 520, rows * 520));
                Assert.False(File.Exists(path));
            }

            writer.Complete();
        }

        using (TiffBlockSource back = TiffBlockSource.Open(path))
        {
            Assert.True(back.Tiled);
            Image read = back.Read(new BlockRegion(0, 0, 700, 520));
            Assert.Equal(labels.Select(v => (float)v), read.Buffer);
        }

        string unfinished = Path.Combine(_dir, "unfinished.tif");
        using (var writer = new TiledLabelTiffWriter(unfinished, 700, 520))
        {
            writer.WriteBand(0, 256, labels.AsSpan(0, 256 * 520));
            Assert.Throws<InvalidOperationException>(() => writer.WriteBand(300, 1, labels.AsSpan(0, 520)));
            Assert.Throws<InvalidOperationException>(writer.Complete);
        }

        Assert.Equal(["labels.tif"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }
}

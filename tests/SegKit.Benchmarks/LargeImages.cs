using System.Globalization;
using BitMiracle.LibTiff.Classic;
using SegKit.Core.Blocks;
using SegKit.Core.Images;
using SegKit.Core.Metrics;
using SegKit.Imaging;

namespace SegKit.Benchmarks;

/// <summary>
/// Inputs and checks of scripts/large-image.sh: a tiled BigTIFF of any size made from the real nuclei sample images
/// (one flipped or rotated sample per 256 x 256 tile, written tile by tile, so even 20,000 x 20,000 takes no memory),
/// and the agreement of two label images (block-wise against whole-image).
/// </summary>
internal static class LargeImages
{
    /// <param name="gray">One channel (the mean of the sample's RGB, as most fluorescence images are) instead of RGB.</param>
    public static void Write(string path, int side, bool gray = false)
    {
        int channels = gray ? 1 : 3;
        string samples = Path.Combine(SegKit.Testing.RepositoryLayout.Root, "models", "samples", "images");
        Image[] tiles = Directory.GetFiles(samples, "*.png").Order().Select(f => ImageFile.Read(f)).ToArray();
        using Tiff tiff = Tiff.Open(path, "w8") ?? throw new IOException($"cannot create {path}");
        tiff.SetField(TiffTag.IMAGEWIDTH, side);
        tiff.SetField(TiffTag.IMAGELENGTH, side);
        tiff.SetField(TiffTag.SAMPLESPERPIXEL, channels);
        tiff.SetField(TiffTag.BITSPERSAMPLE, 8);
        tiff.SetField(TiffTag.PHOTOMETRIC, gray ? Photometric.MINISBLACK : Photometric.RGB);
        tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        tiff.SetField(TiffTag.COMPRESSION, Compression.ADOBE_DEFLATE);
        tiff.SetField(TiffTag.TILEWIDTH, 256);
        tiff.SetField(TiffTag.TILELENGTH, 256);
        byte[] piece = new byte[256 * 256 * channels];
        int n = 0;
        for (int ty = 0; ty < side; ty += 256)
        {
            for (int tx = 0; tx < side; tx += 256, n++)
            {
                Image tile = tiles[n % tiles.Length];
                int variant = n / tiles.Length % 4;
                for (int y = 0; y < 256; y++)
                {
                    for (int x = 0; x < 256; x++)
                    {
                        (int sy, int sx) = variant switch { 0 => (y, x), 1 => (y, 255 - x), 2 => (255 - y, x), _ => (x, y) };
                        for (int c = 0; c < channels; c++)
                        {
                            float v = gray ? (tile.Plane(0)[(sy * 256) + sx] + tile.Plane(1)[(sy * 256) + sx] + tile.Plane(2)[(sy * 256) + sx]) / 3 : tile.Plane(c)[(sy * 256) + sx];
                            piece[(((y * 256) + x) * channels) + c] = (byte)Math.Round(v);
                        }
                    }
                }

                tiff.WriteEncodedTile(tiff.ComputeTile(tx, ty, 0, 0), piece, piece.Length);
            }
        }

        tiff.WriteDirectory();
        Console.WriteLine($"{path}: {side} x {side}, {channels} channel(s), {n} tiles from {tiles.Length} sample images");
    }

    /// <summary>Prints both object counts and AP@0.5 of <paramref name="blocks"/> against <paramref name="whole"/>.</summary>
    public static void Compare(string whole, string blocks)
    {
        LabelImage a = Read(whole), b = Read(blocks);
        InstanceEvaluation e = InstanceMetrics.Evaluate(a, b, [0.5, 0.75]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"whole {e.TruthCount} objects, blocks {e.PredictionCount} ({100.0 * (e.PredictionCount - e.TruthCount) / e.TruthCount:+0.00;-0.00}%); AP@0.5 {e.Scores[0].AveragePrecision:0.0000}, AP@0.75 {e.Scores[1].AveragePrecision:0.0000}"));
    }

    private static LabelImage Read(string path)
    {
        using TiffBlockSource source = TiffBlockSource.Open(path);
        return new LabelImage(source.Height, source.Width, Array.ConvertAll(source.Read(new BlockRegion(0, 0, source.Height, source.Width)).Buffer, v => (int)v));
    }
}

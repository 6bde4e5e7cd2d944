using SegKit.Core.Images;
using SegKit.Core.Tiling;
using SegKit.Core.Transforms;

namespace SegKit.Inference.Tests;

public class UNetSegmenterTests
{
    /// <summary>Per-pixel class logits from the (normalised) intensity: class k peaks where the value is k / (K - 1).</summary>
    private sealed class IntensityClassifier(int classes) : ITileNetwork
    {
        public int OutputChannels => classes;

        public void Run(ReadOnlySpan<float> input, int count, int inputChannels, int tileSize, Span<float> output)
        {
            int plane = tileSize * tileSize;
            for (int b = 0; b < count; b++)
            {
                for (int i = 0; i < plane; i++)
                {
                    float v = input[(b * inputChannels * plane) + i];
                    for (int c = 0; c < classes; c++)
                    {
                        output[(((b * classes) + c) * plane) + i] = -20f * MathF.Abs(v - (c / (float)(classes - 1)));
                    }
                }
            }
        }
    }

    /// <summary>A valid-padding stand-in: returns each tile's centre (the halo trimmed) as class 1 and its negation as class 0.</summary>
    private sealed class TileCentre(int halo) : ITileNetwork
    {
        public int OutputChannels => 2;

        public int Tiles { get; private set; }

        public void Run(ReadOnlySpan<float> input, int count, int inputChannels, int tileSize, Span<float> output)
        {
            int size = tileSize - (2 * halo);
            Assert.Equal(count * 2 * size * size, output.Length);
            Tiles += count;
            for (int b = 0; b < count; b++)
            {
                for (int y = 0; y < size; y++)
                {
                    for (int x = 0; x < size; x++)
                    {
                        float v = input[(b * inputChannels * tileSize * tileSize) + ((y + halo) * tileSize) + x + halo];
                        output[(((b * 2) + 1) * size * size) + (y * size) + x] = v;
                        output[(b * 2 * size * size) + (y * size) + x] = -v;
                    }
                }
            }
        }
    }

    /// <summary>Not flip-equivariant: class 1's logit is the pixel's column inside its tile, class 0's its negation.</summary>
    private sealed class ColumnInTile : ITileNetwork
    {
        public int OutputChannels => 2;

        public int Tiles { get; private set; }

        public void Run(ReadOnlySpan<float> input, int count, int inputChannels, int tileSize, Span<float> output)
        {
            Tiles += count;
            int plane = tileSize * tileSize;
            for (int b = 0; b < count; b++)
            {
                for (int i = 0; i < plane; i++)
                {
                    output[(((b * 2) + 1) * plane) + i] = i % tileSize;
                    output[(b * 2 * plane) + i] = -(i % tileSize);
                }
            }
        }
    }

    private static Image Noise(int height, int width, int seed)
    {
        var random = new Random(seed);
        var image = new Image(1, height, width);
        for (int i = 0; i < image.Buffer.Length; i++)
        {
            image.Buffer[i] = (float)random.NextDouble() * 1000;
        }

        return image;
    }

    [Theory]
    [InlineData(150, 130, 60, 20, null, 56)] // step 20 (factor 4 from the halo): 8 x 7 tiles
    [InlineData(150, 130, 60, 20, 8, 90)] // step 16: 10 x 9 tiles
    [InlineData(7, 45, 44, 20, null, 24)] // step 4: 2 x 12 tiles, mirrored far beyond the image
    [InlineData(7, 23, 64, 20, null, 1)] // one tile larger than the image
    [InlineData(1, 1, 44, 20, null, 1)]
    [InlineData(33, 17, 31, 3, 1, 2)] // no down-sampling: step = output = 25, 2 x 1 tiles
    public void Valid_padding_tiles_put_every_centre_back_in_its_place(int height, int width, int tile, int halo, int? factor, int tiles)
    {
        var network = new TileCentre(halo);
        var segmenter = new UNetSegmenter(network, new UNetSegmenterOptions { TileSize = tile, Halo = halo, DownsamplingFactor = factor, BatchSize = 3 });
        Image image = Noise(height, width, height + width);
        Image logits = segmenter.Logits(image);
        Image expected = Normalization.Normalize99(image);
        Assert.Equal((2, height, width), (logits.Channels, logits.Height, logits.Width));
        Assert.Equal(expected.Buffer, logits.Plane(1).ToArray());
        Assert.Equal(expected.Buffer.Select(v => -v), logits.Plane(0).ToArray());
        Assert.Equal(tiles, network.Tiles);
    }

    [Fact]
    public void A_halo_must_leave_output_and_a_whole_down_sampling_step()
    {
        Assert.Throws<ArgumentException>(() => new UNetSegmenter(new TileCentre(20), new UNetSegmenterOptions { TileSize = 40, Halo = 20 }));
        Assert.Throws<ArgumentException>(() => new UNetSegmenter(new TileCentre(20), new UNetSegmenterOptions { TileSize = 42, Halo = 20 })); // 2 pixels, factor 4
        Assert.Throws<ArgumentException>(() => new UNetSegmenter(new TileCentre(1), new UNetSegmenterOptions { TileSize = 42, Halo = -1 }));
        _ = new UNetSegmenter(new TileCentre(20), new UNetSegmenterOptions { TileSize = 44, Halo = 20 });
    }

    /// <summary>Two 20x20 squares touching along a 1-pixel seam (value 0.5), and a separate square, on a 0 background.</summary>
    private static Image Scene()
    {
        var image = new Image(1, 80, 100);
        for (int y = 10; y < 30; y++)
        {
            for (int x = 10; x < 51; x++)
            {
                image[0, y, x] = x == 30 ? 0.5f : 1f;
            }

            for (int x = 70; x < 90; x++)
            {
                image[0, y + 40, x] = 1f;
            }
        }

        return image;
    }

    [Fact]
    public void Connected_components_of_the_foreground_class_are_the_objects()
    {
        var segmenter = new UNetSegmenter(new IntensityClassifier(2), new UNetSegmenterOptions { TileSize = 64 });
        var result = segmenter.Segment(Scene());
        // The seam (0.5) ties between the classes and goes to the first (background), which splits the touching squares.
        Assert.Equal(3, result.Labels.MaxLabel);
        Assert.All(result.Objects, o => Assert.Equal(400, o.Area));
        Assert.All(result.Objects, o => Assert.Equal(2 * Math.Sqrt(400 / Math.PI), o.EquivalentDiameter, 9));
        Assert.All(result.Objects, o => Assert.Equal(1.0, o.MeanIntensity[0], 6));
    }

    [Fact]
    public void A_boundary_class_separates_touching_objects_and_the_watershed_reclaims_it()
    {
        var segmenter = new UNetSegmenter(new IntensityClassifier(3), new UNetSegmenterOptions
        {
            Classes = 3,
            ForegroundClass = 2,
            BoundaryClass = 1,
            Instances = InstanceMode.BoundaryWatershed,
            TileSize = 64,
        });
        var result = segmenter.Segment(Scene());
        Assert.Equal(3, result.Labels.MaxLabel);
        Assert.NotEqual(result.Labels[20, 20], result.Labels[20, 40]);
        Assert.Equal(20 * 41, result.Objects.Where(o => o.CentroidY < 40).Sum(o => o.Area)); // the seam went to an object
    }

    [Fact]
    public void Class_count_must_match_the_network()
    {
        Assert.Throws<ArgumentException>(() => new UNetSegmenter(new IntensityClassifier(2), new UNetSegmenterOptions { Classes = 3 }));
        Assert.Throws<ArgumentException>(() => new UNetSegmenter(new IntensityClassifier(2), new UNetSegmenterOptions { Instances = InstanceMode.BoundaryWatershed }));
    }

    [Fact]
    public void Flip_augmentation_averages_four_passes_mapped_back_to_the_image()
    {
        Image image = Noise(40, 40, 3);
        var plainNetwork = new ColumnInTile();
        Image plain = new UNetSegmenter(plainNetwork, new UNetSegmenterOptions { TileSize = 48 }).Logits(image);
        var flippedNetwork = new ColumnInTile();
        Image augmented = new UNetSegmenter(flippedNetwork, new UNetSegmenterOptions { TileSize = 48, FlipAugmentation = true }).Logits(image);

        Assert.Equal(4 * plainNetwork.Tiles, flippedNetwork.Tiles);
        // One 48-pixel tile holds the 40-pixel image 4 pixels in: unflipped, column x reads x + 4; a horizontal flip reads
        // 47 - (x + 4). Two of the four passes flip horizontally, so the average is (x + 4 + 43 - x) / 2 = 23.5 everywhere.
        for (int x = 0; x < 40; x++)
        {
            Assert.Equal(x + 4, plain[1, 17, x], 4);
            Assert.Equal(23.5f, augmented[1, 17, x], 4);
            Assert.Equal(-23.5f, augmented[0, 17, x], 4);
        }

        // A per-pixel network is flip-equivariant: augmentation leaves its logits as they were.
        Image once = new UNetSegmenter(new IntensityClassifier(3), new UNetSegmenterOptions { Classes = 3, TileSize = 32 }).Logits(image);
        Image averaged = new UNetSegmenter(new IntensityClassifier(3), new UNetSegmenterOptions { Classes = 3, TileSize = 32, FlipAugmentation = true }).Logits(image);
        for (int i = 0; i < once.Buffer.Length; i++)
        {
            Assert.Equal(once.Buffer[i], averaged.Buffer[i], 3);
        }
    }

    [Fact]
    public void Flip_augmentation_is_refused_for_a_valid_padding_UNet()
    {
        var e = Assert.Throws<ArgumentException>(() => new UNetSegmenter(new TileCentre(20), new UNetSegmenterOptions { TileSize = 92, Halo = 20, FlipAugmentation = true }));
        Assert.Contains("same-padding", e.Message);
    }
}

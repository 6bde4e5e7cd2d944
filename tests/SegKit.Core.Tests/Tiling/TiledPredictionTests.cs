using CsCheck;
using SegKit.Core.Images;
using SegKit.Core.Tiling;

namespace SegKit.Core.Tests.Tiling;

public class TiledPredictionTests
{
    private static Image RandomImage(int channels, int h, int w, int seed)
    {
        var random = new Random(seed);
        var image = new Image(channels, h, w);
        for (int i = 0; i < image.Data.Length; i++)
        {
            image.Data[i] = (float)(random.NextDouble() * 1000);
        }

        return image;
    }

    [Fact]
    public void Identity_network_reconstructs_any_image_exactly()
    {
        Gen.Select(Gen.Int[1, 180], Gen.Int[1, 180], Gen.Int[8, 96], Gen.Double[0, 0.9], Gen.Int[1, 3], Gen.Bool)
            .Sample((h, w, tile, overlap, channels, flips) =>
            {
                var image = RandomImage(channels, h, w, h * 1000 + w);
                var options = new TilingOptions { TileSize = tile, Overlap = overlap, BatchSize = 5, FlipAugmentation = flips, Flows = null };
                var result = TiledPrediction.Run(image, new IdentityNetwork(channels), options);
                Assert.Equal(image.Buffer, result.Buffer);
            }, iter: 60);
    }

    [Fact]
    public void The_stitcher_blends_rows_as_tiles_arrive_and_refuses_tiles_above_them()
    {
        var plan = TilePlan.Create(100, 60, 32);
        var stitcher = new TileStitcher(plan, 1);
        var ones = Enumerable.Repeat(1f, 32 * 32).ToArray();
        Tile last = plan.Tiles[^1];
        stitcher.Add(last, ones);

        var error = Assert.Throws<InvalidOperationException>(() => stitcher.Add(plan.Tiles[0], ones));
        Assert.Contains($"starts at row {plan.Tiles[0].Top}", error.Message);

        // Only the last tile was added: its rows hold 1, the rows above it no tile covered.
        Image result = stitcher.Result();
        Assert.True(float.IsNaN(result[0, 0, 0]));
        Assert.Equal(1f, result[0, 99, 59]);
    }

    [Fact]
    public void Flip_augmentation_corrects_flow_signs()
    {
        var image = new Image(1, 150, 170);
        for (int y = 0; y < 150; y++)
        {
            for (int x = 0; x < 170; x++)
            {
                image[0, y, x] = MathF.Sin(y / 9f) * MathF.Cos(x / 13f) * 100f;
            }
        }

        var plain = TiledPrediction.Run(image, new GradientNetwork(), new TilingOptions { TileSize = 64 });
        var augmented = TiledPrediction.Run(image, new GradientNetwork(), new TilingOptions { TileSize = 64, FlipAugmentation = true });
        for (int i = 0; i < plain.Data.Length; i++)
        {
            Assert.Equal(plain.Buffer[i], augmented.Buffer[i], 3);
        }

        // Without the sign correction the flows would cancel out: make sure they are really there.
        Assert.True(augmented.Plane(0).ToArray().Max(MathF.Abs) > 10f);
    }

    [Fact]
    public void Tiles_run_in_batches()
    {
        var network = new IdentityNetwork(1);
        TiledPrediction.Run(RandomImage(1, 1024, 1024, 1), network, new TilingOptions { BatchSize = 8 });
        Assert.Equal(5, network.Calls); // 36 tiles in batches of 8
    }

    [Fact]
    public void Flow_channels_must_fit_the_network()
    {
        Assert.Throws<ArgumentException>(() => TiledPrediction.Run(RandomImage(1, 10, 10, 2), new IdentityNetwork(1), new TilingOptions { FlipAugmentation = true }));
    }
}

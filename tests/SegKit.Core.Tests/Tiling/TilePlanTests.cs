using SegKit.Core.Images;
using SegKit.Core.Tiling;

namespace SegKit.Core.Tests.Tiling;

public class TilePlanTests
{
    [Fact]
    public void Tiles_follow_cellposes_count_and_even_spread()
    {
        var plan = TilePlan.Create(1024, 1024);
        Assert.Equal(new[] { 0, 160, 320, 480, 640, 800 }, plan.RowStarts);
        Assert.Equal(36, plan.Tiles.Count);
        Assert.Equal((0, 0), (plan.PadTop, plan.PadLeft));
    }

    [Fact]
    public void An_image_smaller_than_a_tile_is_mirror_padded_to_one_centred_tile()
    {
        var plan = TilePlan.Create(100, 50);
        Assert.Single(plan.Tiles);
        Assert.Equal((224, 224, 62, 87), (plan.PaddedHeight, plan.PaddedWidth, plan.PadTop, plan.PadLeft));

        var image = new Image(1, 3, 4, [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
        var small = TilePlan.Create(3, 4, tileSize: 8);
        var tile = new float[64];
        small.Extract(image, small.Tiles[0], tile);
        // Pads: 2 rows above, 2 columns left; reflect-101 repeats the pattern 2 1 | 0 1 2 3 | 2 1.
        Assert.Equal(new float[] { 22, 21, 20, 21, 22, 23, 22, 21 }, tile[..8]);
        Assert.Equal(new float[] { 2, 1, 0, 1, 2, 3, 2, 1 }, tile[16..24]);
    }

    [Fact]
    public void Cellpose_padding_is_zeros_8_pixels_and_up_to_a_multiple_of_16_as_pad_image_ND()
    {
        // 256 is a multiple of 16: 8 zeros each side, 272 padded, then Cellpose's two tiles at 0 and 48.
        var square = TilePlan.Create(256, 256, padding: TilePadding.Cellpose);
        Assert.Equal((272, 272, 8, 8), (square.PaddedHeight, square.PaddedWidth, square.PadTop, square.PadLeft));
        Assert.Equal(new[] { 0, 48 }, square.RowStarts);

        // 260 needs 12 more (6 before), 347 needs 5 more (2 before): Cellpose's Lpad // 2 before the image.
        var odd = TilePlan.Create(260, 347, padding: TilePadding.Cellpose);
        Assert.Equal((288, 368, 14, 10), (odd.PaddedHeight, odd.PaddedWidth, odd.PadTop, odd.PadLeft));

        var image = new Image(1, 3, 4, [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
        var small = TilePlan.Create(3, 4, tileSize: 32, padding: TilePadding.Cellpose);
        var tile = new float[32 * 32];
        small.Extract(image, small.Tiles[0], tile);
        // 3 rows: 8 + 13 to reach 16, 6 of them before: 14 zero rows above; 4 columns likewise 8 + 6 = 14 zeros on the left.
        Assert.Equal((32, 32, 14, 14), (small.PaddedHeight, small.PaddedWidth, small.PadTop, small.PadLeft));
        Assert.Equal(new float[] { 0, 0, 10, 11, 12, 13, 0, 0 }, tile[((15 * 32) + 12)..((15 * 32) + 20)]);
        Assert.Equal(0, tile.Take(14 * 32).Count(v => v != 0));
        Assert.Equal(12 - 1, tile.Count(v => v != 0));
    }

    [Theory]
    [InlineData(-1, 5, 1)]
    [InlineData(5, 5, 3)]
    [InlineData(-9, 5, 1)]
    [InlineData(12, 5, 4)]
    [InlineData(-3, 1, 0)]
    public void Mirror_reflects_without_repeating_the_edge(int i, int n, int expected) =>
        Assert.Equal(expected, TilePlan.Mirror(i, n));

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Absurd_overlap_names_the_parameter(double overlap)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TilePlan.Create(100, 100, 64, overlap));
        Assert.Equal("overlap", e.ParamName);
    }

    [Fact]
    public void Overlap_is_clamped_like_cellpose()
    {
        Assert.Equal(0.05, TilePlan.Create(500, 500, 224, 0).Overlap);
        Assert.Equal(0.5, TilePlan.Create(500, 500, 224, 0.9).Overlap);
        Assert.Equal("tileSize", Assert.Throws<ArgumentOutOfRangeException>(() => TilePlan.Create(10, 10, 0)).ParamName);
    }

    [Fact]
    public void Taper_window_is_symmetric_positive_and_flat_in_the_middle()
    {
        float[] w = TaperWindow.Create(224);
        Assert.All(w, v => Assert.True(v > 0 && v <= 1));
        Assert.True(w[(112 * 224) + 112] > 0.99f);
        Assert.True(w[0] < 0.01f);
        for (int y = 0; y < 224; y++)
        {
            for (int x = 0; x < 224; x++)
            {
                Assert.Equal(w[(y * 224) + x], w[((223 - y) * 224) + (223 - x)]);
                Assert.Equal(w[(y * 224) + x], w[(x * 224) + y]);
            }
        }
    }
}

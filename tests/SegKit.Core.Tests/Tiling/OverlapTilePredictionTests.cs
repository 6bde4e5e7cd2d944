using SegKit.Core.Images;
using SegKit.Core.Tiling;

namespace SegKit.Core.Tests.Tiling;

public class OverlapTilePredictionTests
{
    [Theory]
    [InlineData(150, 130, 60, 20, null, 56)] // output 20, factor 4 from the halo: step 20, 8 x 7 tiles
    [InlineData(150, 130, 60, 20, 8, 90)] // step 16: 10 x 9 tiles
    [InlineData(7, 45, 44, 20, null, 24)] // step 4: mirrored far beyond the image
    [InlineData(33, 17, 31, 3, 1, 2)] // step 25: 2 x 1 tiles
    public void Every_output_pixel_comes_from_one_tile_centre(int height, int width, int tile, int halo, int? factor, int tiles)
    {
        var random = new Random(height * width);
        var image = new Image(1, height, width);
        for (int i = 0; i < image.Buffer.Length; i++)
        {
            image.Buffer[i] = (float)random.NextDouble();
        }

        var network = new CentreNetwork(halo);
        Image output = OverlapTilePrediction.Run(image, network, new OverlapTileOptions { TileSize = tile, Halo = halo, DownsamplingFactor = factor, BatchSize = 3 });
        Assert.Equal(image.Buffer, output.Buffer);
        Assert.Equal(tiles, network.Tiles);
    }

    [Fact]
    public void Options_that_leave_no_output_or_a_multichannel_image_are_refused()
    {
        var image = new Image(1, 10, 10);
        Assert.Throws<ArgumentException>(() => OverlapTilePrediction.Run(image, new CentreNetwork(20), new OverlapTileOptions { TileSize = 40, Halo = 20 }));
        Assert.Throws<ArgumentException>(() => OverlapTilePrediction.Run(image, new CentreNetwork(20), new OverlapTileOptions { TileSize = 42, Halo = 20 })); // 2 pixels, factor 4
        Assert.Throws<ArgumentException>(() => OverlapTilePrediction.Run(new Image(2, 10, 10), new CentreNetwork(2), new OverlapTileOptions { TileSize = 16, Halo = 2 }));
    }
}

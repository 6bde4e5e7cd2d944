using SegKit.Core.Images;
using SegKit.Core.IO;

namespace SegKit.Benchmarks;

/// <summary>The Cellpose v3 fixtures (real DSB2018 label images and images) kept in tests/fixtures.</summary>
internal static class BenchmarkFixtures
{
    public static NpyArray Load(string name) => SegKit.Testing.CellposeFixtures.Npy(name);

    /// <summary>A real fluorescence nuclei image (DSB2018 4be73d68, 256 x 256) repeated to fill size x size.</summary>
    public static Image TiledNuclei(int size)
    {
        var tile = Load("norm_4be73d68.input.npy");
        int th = tile.Shape[0];
        int tw = tile.Shape[1];
        float[] values = tile.ToSingle();
        var image = new Image(1, size, size);
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                image[0, y, x] = values[((y % th) * tw) + (x % tw)];
            }
        }

        return image;
    }
}

using SegKit.Core.Tiling;

namespace SegKit.ML.Transforms;

/// <summary>
/// What the tiling step did, carried row by row in the <see cref="Columns.TileGrid"/> column (a double vector, so the overlap
/// keeps every bit): the image size, the size it was tiled at (after rescaling to the model's diameter), the tile plan's
/// parameters and the tile count. Blending rebuilds the same <see cref="TilePlan"/> from it.
/// </summary>
public readonly record struct TileGrid(int Height, int Width, int ScaledHeight, int ScaledWidth, int Channels, int TileSize, int TileCount, double Overlap)
{
    private const int Length = 8;

    /// <summary>No image (its row failed to load): every later step passes it on empty.</summary>
    public bool IsEmpty => TileCount == 0;

    public bool Rescaled => ScaledHeight != Height || ScaledWidth != Width;

    public TilePlan Plan() => TilePlan.Create(ScaledHeight, ScaledWidth, TileSize, Overlap);

    public double[] ToVector() => [Height, Width, ScaledHeight, ScaledWidth, Channels, TileSize, TileCount, Overlap];

    public static TileGrid FromVector(double[]? v)
    {
        if (v is null || v.Length == 0)
        {
            return default;
        }

        if (v.Length != Length)
        {
            throw new PipelineSettingsException($"a {Columns.TileGrid} column holds {Length} numbers, this one {v.Length}");
        }

        return new TileGrid((int)v[0], (int)v[1], (int)v[2], (int)v[3], (int)v[4], (int)v[5], (int)v[6], v[7]);
    }
}

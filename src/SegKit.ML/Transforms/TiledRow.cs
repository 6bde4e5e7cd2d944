using Microsoft.ML.Data;

namespace SegKit.ML.Transforms;

/// <summary>Output of the tiling step.</summary>
public sealed class TiledRow
{
    [ColumnName(Columns.Tiles)]
    public float[] Tiles { get; set; } = [];

    [ColumnName(Columns.TileGrid)]
    public double[] Grid { get; set; } = [];
}

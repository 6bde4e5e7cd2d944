using Microsoft.ML.Data;

namespace SegKit.ML.Transforms;

/// <summary>Input of the network step.</summary>
public sealed class NetworkInputRow
{
    [ColumnName(Columns.Tiles)]
    public float[] Tiles { get; set; } = [];

    [ColumnName(Columns.TileGrid)]
    public double[] Grid { get; set; } = [];

    [ColumnName(Columns.NetworkSettings)]
    public string Settings { get; set; } = string.Empty;
}

using Microsoft.ML.Data;

namespace SegKit.ML.Transforms;

/// <summary>Input of the Cellpose dynamics step.</summary>
public sealed class CellposeMaskInputRow
{
    [ColumnName(Columns.Blended)]
    public float[] Blended { get; set; } = [];

    [ColumnName(Columns.TileOutputChannels)]
    public int Channels { get; set; }

    [ColumnName(Columns.TileGrid)]
    public double[] Grid { get; set; } = [];

    [ColumnName(Columns.CellposeMaskSettings)]
    public string Settings { get; set; } = string.Empty;
}

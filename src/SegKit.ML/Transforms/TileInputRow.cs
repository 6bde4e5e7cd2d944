using Microsoft.ML.Data;

namespace SegKit.ML.Transforms;

/// <summary>Input of the tiling step.</summary>
public sealed class TileInputRow
{
    [ColumnName(Columns.Normalized)]
    public float[] Normalized { get; set; } = [];

    [ColumnName(Columns.NormalizedChannels)]
    public int Channels { get; set; }

    [ColumnName(Columns.ImageHeight)]
    public int Height { get; set; }

    [ColumnName(Columns.ImageWidth)]
    public int Width { get; set; }

    [ColumnName(Columns.TileSettings)]
    public string Settings { get; set; } = string.Empty;
}

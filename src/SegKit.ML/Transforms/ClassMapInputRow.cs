using Microsoft.ML.Data;

namespace SegKit.ML.Transforms;

/// <summary>Input of the U-Net class-map-to-instances step.</summary>
public sealed class ClassMapInputRow
{
    [ColumnName(Columns.Blended)]
    public float[] Blended { get; set; } = [];

    [ColumnName(Columns.TileOutputChannels)]
    public int Channels { get; set; }

    [ColumnName(Columns.TileGrid)]
    public double[] Grid { get; set; } = [];

    [ColumnName(Columns.ClassMapSettings)]
    public string Settings { get; set; } = string.Empty;
}

using Microsoft.ML.Data;

namespace SegKit.ML.Transforms;

/// <summary>Input of the blending step.</summary>
public sealed class BlendInputRow
{
    [ColumnName(Columns.TileOutputs)]
    public float[] TileOutputs { get; set; } = [];

    [ColumnName(Columns.TileOutputChannels)]
    public int Channels { get; set; }

    [ColumnName(Columns.TileGrid)]
    public double[] Grid { get; set; } = [];
}

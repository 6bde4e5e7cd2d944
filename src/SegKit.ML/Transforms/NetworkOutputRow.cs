using Microsoft.ML.Data;

namespace SegKit.ML.Transforms;

/// <summary>Output of the network step.</summary>
public sealed class NetworkOutputRow
{
    [ColumnName(Columns.TileOutputs)]
    public float[] TileOutputs { get; set; } = [];

    [ColumnName(Columns.TileOutputChannels)]
    public int Channels { get; set; }
}

using Microsoft.ML.Data;

namespace SegKit.ML.Transforms;

/// <summary>Output of the normalisation step.</summary>
public sealed class NormalizedRow
{
    [ColumnName(Columns.Normalized)]
    public float[] Normalized { get; set; } = [];

    [ColumnName(Columns.NormalizedChannels)]
    public int Channels { get; set; }
}

using Microsoft.ML.Data;

namespace SegKit.ML.Transforms;

/// <summary>Output of the blending step: the network's output over the whole (rescaled) image.</summary>
public sealed class BlendedRow
{
    [ColumnName(Columns.Blended)]
    public float[] Blended { get; set; } = [];
}

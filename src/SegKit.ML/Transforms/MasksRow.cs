using Microsoft.ML.Data;
using SegKit.Core.Images;

namespace SegKit.ML.Transforms;

/// <summary>Output of the mask steps: a label image, row-major, 0 = background.</summary>
public sealed class MasksRow
{
    [ColumnName(Columns.Masks)]
    public int[] Masks { get; set; } = [];

    [ColumnName(Columns.MaskHeight)]
    public int Height { get; set; }

    [ColumnName(Columns.MaskWidth)]
    public int Width { get; set; }

    [ColumnName(Columns.ObjectCount)]
    public int ObjectCount { get; set; }

    internal void Set(LabelImage? labels)
    {
        Masks = labels?.Buffer ?? [];
        Height = labels?.Height ?? 0;
        Width = labels?.Width ?? 0;
        ObjectCount = labels?.CountObjects() ?? 0;
    }
}

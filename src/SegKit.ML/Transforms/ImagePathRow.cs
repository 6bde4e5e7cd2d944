using Microsoft.ML.Data;

namespace SegKit.ML.Transforms;

/// <summary>Input of the image loader.</summary>
public sealed class ImagePathRow
{
    [ColumnName(Columns.ImagePath)]
    public string ImagePath { get; set; } = string.Empty;
}

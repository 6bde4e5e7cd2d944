using Microsoft.ML.Data;

namespace SegKit.ML;

/// <summary>A row to segment, for PredictionEngine and PredictionEnginePool: the image file's path.</summary>
public sealed class MicroscopyImageInput
{
    [ColumnName(Columns.ImagePath)]
    public string ImagePath { get; set; } = string.Empty;
}

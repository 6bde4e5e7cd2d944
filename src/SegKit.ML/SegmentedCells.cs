using Microsoft.ML.Data;
using SegKit.Core.Images;

namespace SegKit.ML;

/// <summary>A segmented row, for PredictionEngine and PredictionEnginePool: the label image, or the error that row met.</summary>
public sealed class SegmentedCells
{
    /// <summary>Labels row-major, 0 = background; empty when <see cref="ImageError"/> is set.</summary>
    [ColumnName(Columns.Masks)]
    public int[] Masks { get; set; } = [];

    [ColumnName(Columns.MaskHeight)]
    public int Height { get; set; }

    [ColumnName(Columns.MaskWidth)]
    public int Width { get; set; }

    [ColumnName(Columns.ObjectCount)]
    public int ObjectCount { get; set; }

    /// <summary>Empty on success; otherwise the image file and what was wrong with it.</summary>
    [ColumnName(Columns.ImageError)]
    public string ImageError { get; set; } = string.Empty;

    public bool Succeeded => ImageError.Length == 0;

    /// <summary>The masks as a label image (a copy); null when the row failed.</summary>
    public LabelImage? ToLabelImage() => Succeeded && Masks.Length > 0 ? new LabelImage(Height, Width, (int[])Masks.Clone()) : null;
}

using Microsoft.ML.Data;

namespace SegKit.ML.Transforms;

/// <summary>Input of the whole-model step: the image as loaded.</summary>
public sealed class SegmentInputRow
{
    [ColumnName(Columns.Image)]
    public float[] Image { get; set; } = [];

    [ColumnName(Columns.ImageChannels)]
    public int Channels { get; set; }

    [ColumnName(Columns.ImageHeight)]
    public int Height { get; set; }

    [ColumnName(Columns.ImageWidth)]
    public int Width { get; set; }

    [ColumnName(Columns.SegmentSettings)]
    public string Settings { get; set; } = string.Empty;
}

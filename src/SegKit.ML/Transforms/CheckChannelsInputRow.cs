using Microsoft.ML.Data;

namespace SegKit.ML.Transforms;

/// <summary>Input of the channel check: the loader's output and the path it read.</summary>
public sealed class CheckChannelsInputRow
{
    [ColumnName(Columns.ImagePath)]
    public string ImagePath { get; set; } = string.Empty;

    [ColumnName(Columns.Image)]
    public float[] Image { get; set; } = [];

    [ColumnName(Columns.ImageChannels)]
    public int Channels { get; set; }

    [ColumnName(Columns.ImageHeight)]
    public int Height { get; set; }

    [ColumnName(Columns.ImageWidth)]
    public int Width { get; set; }

    [ColumnName(Columns.ImageError)]
    public string Error { get; set; } = string.Empty;

    [ColumnName(Columns.ChannelCheckSettings)]
    public string Settings { get; set; } = string.Empty;
}

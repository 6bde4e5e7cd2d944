using Microsoft.ML.Data;

namespace SegKit.ML.Transforms;

/// <summary>Output of the image loader: pixels as stored (8, 16 or 32-bit, any channel count), or an error naming the file.</summary>
public sealed class LoadedImageRow
{
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
}

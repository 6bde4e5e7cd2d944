using Microsoft.ML.Data;
using SegKit.Core;

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

    /// <summary>Makes this a bad row: no image, and an error that names the file at <paramref name="path"/>.</summary>
    internal void Fail(string path, Exception error)
    {
        Image = [];
        Channels = 0;
        Height = 0;
        Width = 0;
        Error = error is SegKitException { FilePath: not null } ? error.Message : $"{path}: {error.Message}";
    }
}

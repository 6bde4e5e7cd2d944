namespace SegKit.Imaging;

/// <summary>The file formats SegKit reads, recognised by their leading bytes rather than their extension.</summary>
public enum ImageFormat
{
    Png,
    Tiff,
    Jpeg,
}

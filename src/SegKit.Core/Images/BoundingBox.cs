namespace SegKit.Core.Images;

/// <summary>An axis-aligned rectangle of pixels: rows [Top, Top+Height), columns [Left, Left+Width).</summary>
public readonly record struct BoundingBox(int Top, int Left, int Height, int Width)
{
    public int Bottom => Top + Height;

    public int Right => Left + Width;
}

namespace SegKit.Core.Blocks;

/// <summary>A rectangle of an image, in pixels: rows [Top, Top + Height), columns [Left, Left + Width).</summary>
public readonly record struct BlockRegion(int Top, int Left, int Height, int Width)
{
    public int Bottom => Top + Height;

    public int Right => Left + Width;

    public bool Contains(double y, double x) => y >= Top && y < Bottom && x >= Left && x < Right;
}

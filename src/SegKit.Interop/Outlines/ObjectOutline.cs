namespace SegKit.Interop.Outlines;

/// <summary>
/// One object's outer boundary: the pixels on it, in order around the object (counter-clockwise on screen, y pointing down, as OpenCV traces),
/// starting at its topmost, leftmost pixel. X and Y are pixel indices (column, row).
/// </summary>
public sealed record ObjectOutline(int Label, int[] X, int[] Y)
{
    public int Count => X.Length;
}

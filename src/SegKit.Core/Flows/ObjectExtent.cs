namespace SegKit.Core.Flows;

/// <summary>
/// One object of a label image as the diffusion needs it: its label, pixel count and bounding box
/// (rows Top..Bottom, columns Left..Right, inclusive), like one entry of scipy's find_objects.
/// </summary>
internal readonly record struct ObjectExtent(int Label, int Area, int Top, int Left, int Bottom, int Right)
{
    public int BoxHeight => Bottom - Top + 1;

    public int BoxWidth => Right - Left + 1;

    /// <summary>Cellpose's iteration count for the object: twice the padded box's height plus width.</summary>
    public int DiffusionIterations => 2 * (BoxHeight + 2 + BoxWidth + 2);

    /// <summary>Work of one diffusion, used to schedule big objects first.</summary>
    public long Cost => (long)(BoxHeight + 2) * (BoxWidth + 2) * DiffusionIterations;
}

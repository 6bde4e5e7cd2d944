using SegKit.Core.Images;

namespace SegKit.Core.Flows;

/// <summary>
/// One object of a label image as the diffusion needs it: its label, pixel count and bounding box (Core's one
/// <see cref="BoundingBox"/>, bottom and right exclusive), like one entry of scipy's find_objects.
/// </summary>
internal readonly record struct ObjectExtent(int Label, int Area, BoundingBox Box)
{
    /// <summary>Cellpose's iteration count for the object: twice the padded box's height plus width.</summary>
    public int DiffusionIterations => 2 * (Box.Height + 2 + Box.Width + 2);

    /// <summary>Work of one diffusion, used to schedule big objects first.</summary>
    public long Cost => (long)(Box.Height + 2) * (Box.Width + 2) * DiffusionIterations;
}

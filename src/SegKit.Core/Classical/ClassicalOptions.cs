namespace SegKit.Core.Classical;

/// <summary>Settings of the classical baseline; the defaults suit fluorescence nuclei of ~10-60 px diameter.</summary>
public sealed record ClassicalOptions
{
    /// <summary>Gaussian smoothing before thresholding, in pixels (0 = none).</summary>
    public double Sigma { get; init; } = 1.0;

    public ForegroundPolarity Polarity { get; init; } = ForegroundPolarity.Auto;

    /// <summary>Objects smaller than this many pixels are removed.</summary>
    public int MinSize { get; init; } = 15;

    /// <summary>Fill holes inside objects (dark nucleoli, uneven staining).</summary>
    public bool FillHoles { get; init; } = true;

    /// <summary>Split touching objects with a distance-transform watershed.</summary>
    public bool SplitTouching { get; init; } = true;

    /// <summary>
    /// How far (in pixels of distance-to-background) a peak must rise above the saddle to its neighbour to seed
    /// an object of its own. Lower splits more.
    /// </summary>
    public float MarkerHeight { get; init; } = 1.0f;
}

namespace SegKit.Core.Dynamics;

/// <summary>
/// Settings of flows-to-masks reconstruction, with Cellpose v3's defaults. Values that make no sense are
/// rejected when set, with an <see cref="ArgumentException"/> naming the property.
/// </summary>
public sealed record DynamicsOptions
{
    /// <summary>Euler steps each pixel takes along the flow field (Cellpose's niter). 0 leaves pixels where they start.</summary>
    public int Niter
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Niter), value, "Niter (the number of dynamics steps) must be >= 0");
    } = 200;

    /// <summary>Pixels whose cell-probability logit is above this follow the flows; the rest are background.</summary>
    public float CellprobThreshold
    {
        get;
        init => field = float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(CellprobThreshold), value, "CellprobThreshold must be a finite number");
    } = 0f;

    /// <summary>Masks whose flow error (see <see cref="Flows.FlowError"/>) exceeds this are dropped; 0 disables the check.</summary>
    public double FlowThreshold
    {
        get;
        init => field = value >= 0 && !double.IsNaN(value) ? value : throw new ArgumentOutOfRangeException(nameof(FlowThreshold), value, "FlowThreshold must be >= 0 (0 disables the quality check)");
    } = 0.4;

    /// <summary>Masks with fewer pixels are removed, before and after hole filling; 0 or less skips both steps, as in Cellpose.</summary>
    public int MinSize { get; init; } = 15;

    /// <summary>Masks covering more than this fraction of the image are dropped (they are background gone wrong).</summary>
    public double MaxSizeFraction
    {
        get;
        init => field = value > 0 && !double.IsNaN(value) ? value : throw new ArgumentOutOfRangeException(nameof(MaxSizeFraction), value, "MaxSizeFraction must be > 0");
    } = 0.4;

    /// <summary>Cellpose v3's defaults: 200 steps, threshold 0, flow threshold 0.4, min size 15, max size 40%.</summary>
    public static DynamicsOptions Default { get; } = new();
}

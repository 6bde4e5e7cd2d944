using SegKit.Core.Dynamics;

namespace SegKit.ML.Settings;

internal sealed record CellposeMaskSettings(DynamicsOptions Dynamics)
{
    public const string Kind = "cellpose-masks/1";

    public string ToText() => SettingsText.Format(
        Kind,
        ("niter", Dynamics.Niter),
        ("cellprob", Dynamics.CellprobThreshold),
        ("flow", Dynamics.FlowThreshold),
        ("min_size", Dynamics.MinSize),
        ("max_size_fraction", Dynamics.MaxSizeFraction));

    public static CellposeMaskSettings Parse(string text) => SettingsCache<CellposeMaskSettings>.Get(text, t =>
    {
        var s = SettingsText.Parse(t, Kind);
        return new CellposeMaskSettings(new DynamicsOptions
        {
            Niter = s.Int("niter"),
            CellprobThreshold = (float)s.Double("cellprob"),
            FlowThreshold = s.Double("flow"),
            MinSize = s.Int("min_size"),
            MaxSizeFraction = s.Double("max_size_fraction"),
        });
    });
}

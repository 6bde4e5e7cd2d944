using SegKit.Inference;

namespace SegKit.ML.Settings;

internal sealed record ClassMapSettings(UNetSegmenterOptions Options)
{
    public const string Kind = "classmap/1";

    public string ToText() => SettingsText.Format(
        Kind,
        ("classes", Options.Classes),
        ("foreground", Options.ForegroundClass),
        ("boundary", Options.BoundaryClass),
        ("instances", Options.Instances.ToString()),
        ("min_size", Options.MinSize));

    public static ClassMapSettings Parse(string text) => SettingsCache<ClassMapSettings>.Get(text, t =>
    {
        var s = SettingsText.Parse(t, Kind);
        return new ClassMapSettings(new UNetSegmenterOptions
        {
            Classes = s.Int("classes"),
            ForegroundClass = s.Int("foreground"),
            BoundaryClass = s.OptionalInt("boundary"),
            Instances = Enum.Parse<InstanceMode>(s.Required("instances")),
            MinSize = s.Int("min_size"),
        });
    });
}

using SegKit.Core.Images;

namespace SegKit.ML.Settings;

internal sealed record NormalizeSettings(ChannelMapping Channels, ChannelSelection Selection, double LowPercentile, double HighPercentile)
{
    public const string Kind = "normalize/1";

    public string ToText() => SettingsText.Format(
        Kind,
        ("channels", Channels.ToString()),
        ("cytoplasm", (int)Selection.Cytoplasm),
        ("nucleus", (int)Selection.Nucleus),
        ("low", LowPercentile),
        ("high", HighPercentile));

    public static NormalizeSettings Parse(string text) => SettingsCache<NormalizeSettings>.Get(text, t =>
    {
        var s = SettingsText.Parse(t, Kind);
        return new NormalizeSettings(
            Enum.Parse<ChannelMapping>(s.Required("channels")),
            new ChannelSelection((ImageChannel)s.Int("cytoplasm"), (ImageChannel)s.Int("nucleus")),
            s.Double("low"),
            s.Double("high"));
    });
}

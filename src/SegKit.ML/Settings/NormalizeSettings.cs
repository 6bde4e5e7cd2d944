using SegKit.Core.Images;

namespace SegKit.ML.Settings;

/// <param name="InvertBrightBackground">Invert the first channel of a bright-background image after normalisation (models
/// whose card says so); absent in settings saved before it existed, which read as false.</param>
internal sealed record NormalizeSettings(ChannelMapping Channels, ChannelSelection Selection, double LowPercentile, double HighPercentile, bool InvertBrightBackground = false)
{
    public const string Kind = "normalize/1";

    public string ToText() => SettingsText.Format(
        Kind,
        ("channels", Channels.ToString()),
        ("cytoplasm", (int)Selection.Cytoplasm),
        ("nucleus", (int)Selection.Nucleus),
        ("low", LowPercentile),
        ("high", HighPercentile),
        ("invert_bright", InvertBrightBackground ? "true" : "false"));

    public static NormalizeSettings Parse(string text) => SettingsCache<NormalizeSettings>.Get(text, t =>
    {
        var s = SettingsText.Parse(t, Kind);
        return new NormalizeSettings(
            Enum.Parse<ChannelMapping>(s.Required("channels")),
            new ChannelSelection((ImageChannel)s.Int("cytoplasm"), (ImageChannel)s.Int("nucleus")),
            s.Double("low"),
            s.Double("high"),
            s.Text("invert_bright") == "true");
    });
}

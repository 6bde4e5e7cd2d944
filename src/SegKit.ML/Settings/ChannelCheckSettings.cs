using SegKit.Core.Images;

namespace SegKit.ML.Settings;

/// <summary>The channels a model reads, which every loaded image must have (<see cref="Transforms.CheckChannelsFactory"/>).</summary>
internal sealed record ChannelCheckSettings(ChannelSelection Selection)
{
    public const string Kind = "check_channels/1";

    public string ToText() => SettingsText.Format(
        Kind,
        ("cytoplasm", (int)Selection.Cytoplasm),
        ("nucleus", (int)Selection.Nucleus));

    public static ChannelCheckSettings Parse(string text) => SettingsCache<ChannelCheckSettings>.Get(text, t =>
    {
        var s = SettingsText.Parse(t, Kind);
        return new ChannelCheckSettings(new ChannelSelection((ImageChannel)s.Int("cytoplasm"), (ImageChannel)s.Int("nucleus")));
    });
}

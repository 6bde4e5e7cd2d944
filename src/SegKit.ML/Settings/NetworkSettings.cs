using SegKit.Onnx;

namespace SegKit.ML.Settings;

/// <summary>
/// How the network step finds and checks its model after a Model.Load: the ONNX file by path, its SHA-256 (a different file
/// at that path is refused rather than silently run), and what the pipeline was built for (kind, channels, tile size).
/// </summary>
internal sealed record NetworkSettings(
    string ModelPath,
    string ModelSha256,
    SegmentationModelKind ModelKind,
    int InputChannels,
    int OutputChannels,
    int BatchSize,
    int? GpuDeviceId,
    bool FallbackToCpu)
{
    public const string Kind = "network/1";

    public string ToText() => SettingsText.Format(
        Kind,
        ("model", ModelPath),
        ("sha256", ModelSha256),
        ("kind", ModelKind.ToString()),
        ("in", InputChannels),
        ("out", OutputChannels),
        ("batch", BatchSize),
        ("gpu", GpuDeviceId),
        ("fallback", FallbackToCpu));

    public static NetworkSettings Parse(string text) => SettingsCache<NetworkSettings>.Get(text, t =>
    {
        var s = SettingsText.Parse(t, Kind);
        return new NetworkSettings(
            s.Required("model"),
            s.Required("sha256"),
            Enum.Parse<SegmentationModelKind>(s.Required("kind")),
            s.Int("in"),
            s.Int("out"),
            s.Int("batch"),
            s.OptionalInt("gpu"),
            s.Bool("fallback"));
    });
}

using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Inference;

namespace SegKit.ML.Settings;

/// <summary>The whole-model step's settings: which network (as the network step finds it) and the options it is applied with.</summary>
internal sealed record SegmentSettings(NetworkSettings Network, SegmentOptions Options)
{
    public const string Kind = "segment/1";

    public string ToText() => SettingsText.Format(
        Kind,
        ("model", Network.ModelPath),
        ("sha256", Network.ModelSha256),
        ("kind", Network.ModelKind.ToString()),
        ("in", Network.InputChannels),
        ("out", Network.OutputChannels),
        ("batch", Network.BatchSize),
        ("gpu", Network.GpuDeviceId),
        ("fallback", Network.FallbackToCpu),
        ("diameter", Options.Diameter),
        ("estimate", Options.EstimateDiameter),
        ("cytoplasm", Options.Channels?.Cytoplasm.ToString()),
        ("nucleus", Options.Channels?.Nucleus.ToString()),
        ("flips", Options.FlipAugmentation),
        ("tile", Options.TileSize),
        ("niter", Options.Dynamics.Niter),
        ("cellprob", Options.Dynamics.CellprobThreshold),
        ("flow", Options.Dynamics.FlowThreshold),
        ("flow_override", Options.FlowThreshold),
        ("min_size", Options.Dynamics.MinSize),
        ("max_size_fraction", Options.Dynamics.MaxSizeFraction),
        ("instances", Options.Instances.ToString()),
        ("foreground", Options.ForegroundClass),
        ("boundary", Options.BoundaryClass));

    public static SegmentSettings Parse(string text) => SettingsCache<SegmentSettings>.Get(text, t =>
    {
        var s = SettingsText.Parse(t, Kind);
        var network = new NetworkSettings(
            s.Required("model"),
            s.Required("sha256"),
            Enum.Parse<SegKit.Onnx.SegmentationModelKind>(s.Required("kind")),
            s.Int("in"),
            s.Int("out"),
            s.Int("batch"),
            s.OptionalInt("gpu"),
            s.Bool("fallback"));
        var options = new SegmentOptions
        {
            Diameter = s.OptionalDouble("diameter"),
            EstimateDiameter = s.Bool("estimate"),
            Channels = s.Text("cytoplasm") is string cytoplasm ? new ChannelSelection(Enum.Parse<ImageChannel>(cytoplasm), Enum.Parse<ImageChannel>(s.Required("nucleus"))) : null,
            FlipAugmentation = s.Bool("flips"),
            BatchSize = network.BatchSize,
            TileSize = s.OptionalInt("tile"),
            FlowThreshold = s.OptionalDouble("flow_override"),
            Dynamics = new DynamicsOptions
            {
                Niter = s.Int("niter"),
                CellprobThreshold = (float)s.Double("cellprob"),
                FlowThreshold = s.Double("flow"),
                MinSize = s.Int("min_size"),
                MaxSizeFraction = s.Double("max_size_fraction"),
            },
            Instances = Enum.Parse<InstanceMode>(s.Required("instances")),
            ForegroundClass = s.Int("foreground"),
            BoundaryClass = s.OptionalInt("boundary"),
        };
        return new SegmentSettings(network, options);
    });
}

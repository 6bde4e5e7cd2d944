using SegKit.Core.Images;

namespace SegKit.Training.Data;

/// <summary>How a training folder is read: the model's input channels, polarity, names left out, and the flow cache.</summary>
public sealed record DatasetLoadOptions
{
    /// <summary>Channel selection (Cellpose's codes); gray by default.</summary>
    public ChannelSelection Channels { get; init; } = ChannelSelection.Gray;

    /// <summary>Invert images whose background is bright after normalisation (as the exported card tells inference).</summary>
    public bool InvertBrightBackground { get; init; }

    /// <summary>Image names (file names without extension) that are never loaded: a held-out split.</summary>
    public IReadOnlySet<string>? Exclude { get; init; }

    /// <summary>
    /// Folder for Cellpose flow targets keyed by the mask file's content, so a resumed or repeated run reads them
    /// instead of recomputing them; null computes them every time.
    /// </summary>
    public string? FlowCache { get; init; }

    /// <summary>Receives a line per image loaded.</summary>
    public IProgress<string>? Progress { get; init; }
}

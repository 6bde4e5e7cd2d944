namespace SegKit.Interop.BioImageIo;

/// <summary>An input or output tensor of an rdf: its axes, its pre- or postprocessing and its test tensor.</summary>
public sealed record BioImageTensorDescription
{
    public required string Id { get; init; }

    public required IReadOnlyList<BioImageAxis> Axes { get; init; }

    /// <summary>Preprocessing (inputs) or postprocessing (outputs), in order.</summary>
    public IReadOnlyList<BioImageProcessingStep> Processing { get; init; } = [];

    /// <summary>The test tensor's file in the package (.npy).</summary>
    public required string TestTensor { get; init; }

    public string? TestTensorSha256 { get; init; }

    /// <summary>The rdf's data range (spec 0.5 data.range), e.g. [0, 1] for probabilities; null ends are open.</summary>
    public (double? Low, double? High) DataRange { get; init; }

    public IReadOnlyList<string> AxisIds => Axes.Select(a => a.Id).ToArray();

    /// <summary>The axis ids as one string, for messages: "batch, channel, y, x".</summary>
    public string AxesText => string.Join(", ", Axes.Select(a => UntrustedText.Quote(a.Id)));
}

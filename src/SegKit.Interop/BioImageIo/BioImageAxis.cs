namespace SegKit.Interop.BioImageIo;

/// <summary>
/// One axis of a tensor in an rdf (spec 0.5 "axes" entries; 0.4's axis letters are read into the same form). Its size is
/// fixed (<see cref="Size"/>), parametrized (<see cref="MinSize"/> + n x <see cref="Step"/>), or a reference to another
/// tensor's axis plus an offset.
/// </summary>
public sealed record BioImageAxis
{
    /// <summary>"batch", "channel", "y", "x", "z", "time", "index", ... (0.5 defaults: batch, channel, x for space).</summary>
    public required string Id { get; init; }

    /// <summary>"batch", "channel", "space", "time" or "index".</summary>
    public required string Type { get; init; }

    public int? Size { get; init; }

    public int? MinSize { get; init; }

    public int? Step { get; init; }

    public string? ReferenceTensor { get; init; }

    public string? ReferenceAxis { get; init; }

    public int Offset { get; init; }

    /// <summary>Output axes: pixels at each border that the network computes without enough context.</summary>
    public int Halo { get; init; }

    public IReadOnlyList<string> ChannelNames { get; init; } = [];

    /// <summary>Whether <paramref name="size"/> is one this axis accepts (references are not judged here).</summary>
    public bool Accepts(int size) =>
        Size is int fixedSize ? size == fixedSize
        : MinSize is int min ? size >= min && (Step is not int step || step == 0 ? size == min : (size - min) % step == 0)
        : size > 0;
}

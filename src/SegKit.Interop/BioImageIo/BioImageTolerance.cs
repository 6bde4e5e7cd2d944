using System.Globalization;

namespace SegKit.Interop.BioImageIo;

/// <summary>
/// How closely the test outputs must be reproduced (spec 0.5: config.bioimageio.reproducibility_tolerance): an element
/// matches when |actual - expected| &lt;= absolute + relative x |expected| (numpy's allclose), and at most
/// <see cref="MismatchedElementsPerMillion"/> may miss.
/// </summary>
public sealed record BioImageTolerance(double Relative, double Absolute, double MismatchedElementsPerMillion)
{
    /// <summary>What SegKit asks where the rdf names no tolerance.</summary>
    public static BioImageTolerance Default { get; } = new(1e-3, 1e-4, 0);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"absolute {Absolute:G3} + relative {Relative:G3}, {MismatchedElementsPerMillion:G3} mismatched elements per million");
}

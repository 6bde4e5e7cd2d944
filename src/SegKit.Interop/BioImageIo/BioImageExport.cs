namespace SegKit.Interop.BioImageIo;

/// <summary>What <see cref="BioImageModelExporter"/> wrote.</summary>
public sealed record BioImageExport
{
    public required string Folder { get; init; }

    public required string ZipPath { get; init; }

    public long ZipBytes { get; init; }

    /// <summary>The test input's shape, [1, C, H, W].</summary>
    public required IReadOnlyList<int> TestShape { get; init; }

    /// <summary>Files written into the package, by name.</summary>
    public required IReadOnlyList<string> Files { get; init; }
}

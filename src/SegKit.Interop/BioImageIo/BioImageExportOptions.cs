namespace SegKit.Interop.BioImageIo;

/// <summary>What a bioimage.io package says about its model beyond the model card.</summary>
public sealed record BioImageExportOptions
{
    /// <summary>The package's name; default from the model file's name.</summary>
    public string? Name { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<string> Authors { get; init; } = ["SegKit contributors"];

    /// <summary>An SPDX licence id for the weights.</summary>
    public string License { get; init; } = "MIT";

    /// <summary>Largest side of the test tensors (the sample image is cropped to a size the network accepts).</summary>
    public int MaxTestSize { get; init; } = 256;

    public string SegKitVersion { get; init; } = "";
}

using SegKit.Onnx;

namespace SegKit.Interop.BioImageIo;

/// <summary>A bioimage.io package made into a SegKit model: the ONNX file to write, its card, and what was checked.</summary>
public sealed record BioImageImport
{
    /// <summary>The SegKit model file (ONNX with the card in its metadata), ready to write.</summary>
    public required byte[] ModelBytes { get; init; }

    public required ModelCard Card { get; init; }

    public required BioImageModelDescription Description { get; init; }

    /// <summary>The package's own test: its test inputs through its preprocessing and ONNX weights, against its test outputs.</summary>
    public required IReadOnlyList<BioImageComparison> PackageTest { get; init; }

    /// <summary>The same test input through SegKit's pipeline (the card's normalisation and the written model) against the first test output.</summary>
    public required BioImageComparison SegKitTest { get; init; }

    /// <summary>Whether the weights already carried a SegKit card (a package SegKit exported): then the model is written unchanged.</summary>
    public bool HadSegKitCard { get; init; }

    /// <summary>What the user should know about the mapping (an output read as probabilities, steps SegKit adds).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

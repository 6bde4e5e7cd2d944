using SegKit.Core;

namespace SegKit.Export;

/// <summary>An ONNX file whose weights cannot be loaded into a TorchSharp network: unknown architecture, missing or misfitting weights.</summary>
public sealed class ModelImportException(string message, string? filePath = null, Exception? inner = null)
    : SegKitException(message, filePath, inner);

using SegKit.Core;

namespace SegKit.Inference;

/// <summary>A model file is missing, corrupt, or not a network SegKit can run.</summary>
public sealed class ModelLoadException(string message, string? filePath = null, Exception? inner = null) : SegKitException(message, filePath, inner);

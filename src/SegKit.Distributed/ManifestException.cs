using SegKit.Core;

namespace SegKit.Distributed;

/// <summary>A batch manifest that cannot be run: unreadable, malformed, or naming inputs, a model or an output folder that will not do.</summary>
public sealed class ManifestException(string message, string? filePath = null, Exception? inner = null) : SegKitException(message, filePath, inner);

using SegKit.Core;

namespace SegKit.Training;

/// <summary>TorchSharp's native libraries could not be loaded; the message says why and what to do.</summary>
public sealed class TorchUnavailableException(string message, Exception? inner = null) : SegKitException(message, null, inner);

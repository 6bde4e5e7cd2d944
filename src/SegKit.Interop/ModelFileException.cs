using SegKit.Core;

namespace SegKit.Interop;

/// <summary>
/// A model file from another tool (a Cellpose model, a size-model .npy) that SegKit refuses: damaged, truncated, not of
/// the expected kind, or holding weights that do not make the network. The message names the file and the problem.
/// </summary>
public class ModelFileException(string message, string? filePath = null, Exception? inner = null)
    : SegKitException(message, filePath, inner);

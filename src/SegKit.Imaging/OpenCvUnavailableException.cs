using SegKit.Core;

namespace SegKit.Imaging;

/// <summary>OpenCvSharp's native library cannot be loaded; the message names what is missing and how to install it.</summary>
public sealed class OpenCvUnavailableException(string message, Exception? inner = null) : SegKitException(message, null, inner);

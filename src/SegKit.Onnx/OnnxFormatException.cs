namespace SegKit.Onnx;

/// <summary>
/// A file or stream is not a readable ONNX model, or a model lacks what SegKit needs (a model card).
/// SegKit.Core's exceptions are net10.0-only, so this one derives from <see cref="Exception"/> directly.
/// </summary>
public sealed class OnnxFormatException : Exception
{
    public OnnxFormatException(string? filePath, string problem, Exception? inner = null)
        : base(filePath is null ? problem : $"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
    }

    /// <summary>The file (or source name) the problem was found in, when known.</summary>
    public string? FilePath { get; }
}

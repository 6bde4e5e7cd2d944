namespace SegKit.Core;

/// <summary>An output file could not be written; no partial file is left behind.</summary>
public sealed class OutputWriteException : SegKitException
{
    public OutputWriteException(string message, string? filePath = null, Exception? inner = null)
        : base(message, filePath, inner)
    {
    }
}

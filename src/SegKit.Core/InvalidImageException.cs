namespace SegKit.Core;

/// <summary>An image or label image is unreadable, empty, of an unsupported kind, or holds values it must not.</summary>
public sealed class InvalidImageException : SegKitException
{
    public InvalidImageException(string message, string? filePath = null, Exception? inner = null)
        : base(message, filePath, inner)
    {
    }
}

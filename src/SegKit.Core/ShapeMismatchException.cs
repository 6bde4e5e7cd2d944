namespace SegKit.Core;

/// <summary>Two arrays that must describe the same pixels (image and mask, flows and probability) differ in shape.</summary>
public sealed class ShapeMismatchException : SegKitException
{
    public ShapeMismatchException(string message, string? filePath = null)
        : base(message, filePath)
    {
    }
}

namespace SegKit.Core;

/// <summary>
/// Base of every error SegKit raises on purpose. <see cref="FilePath"/> names the file concerned when there is one,
/// so a command-line tool can print a one-line message that tells the user which input to fix.
/// </summary>
public class SegKitException : Exception
{
    public SegKitException(string message, string? filePath = null, Exception? inner = null)
        : base(filePath is null ? message : $"{filePath}: {message}", inner)
    {
        FilePath = filePath;
    }

    /// <summary>The file the problem is about, or null when it is not about a file.</summary>
    public string? FilePath { get; }
}

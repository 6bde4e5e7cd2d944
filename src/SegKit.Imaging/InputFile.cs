using SegKit.Core;

namespace SegKit.Imaging;

/// <summary>Opens input files, turning the runtime's file errors into <see cref="InvalidImageException"/>s that name the file.</summary>
internal static class InputFile
{
    public static byte[] ReadAllBytes(string path) => Guard(path, () => File.ReadAllBytes(path));

    public static FileStream Open(string path) => Guard(path, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096));

    private static T Guard<T>(string path, Func<T> open)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new InvalidImageException("is a folder, not an image file", path);
        }

        try
        {
            return open();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidImageException("the file does not exist", path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidImageException($"the file cannot be read: {e.Message}", path, e);
        }
    }
}

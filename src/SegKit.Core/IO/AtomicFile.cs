namespace SegKit.Core.IO;

/// <summary>
/// Writes a file under a temporary name in the target folder and renames it into place, so a reader
/// never sees a half-written output and a failed write leaves nothing behind.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        WriteVia(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            write(stream);
            stream.Flush(flushToDisk: false);
        });
    }

    /// <summary>
    /// For writers that insist on a path (native encoders): <paramref name="writeToPath"/> gets a temporary
    /// path with the same extension as <paramref name="path"/>, so encoders that choose a format by extension still work.
    /// </summary>
    public static void WriteVia(string path, Action<string> writeToPath)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(writeToPath);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(dir, $".{Path.GetFileNameWithoutExtension(full)}.{Guid.NewGuid():N}.tmp{Path.GetExtension(full)}");
        try
        {
            if (!Directory.Exists(dir))
            {
                throw new OutputWriteException("the output folder does not exist", dir);
            }

            writeToPath(temp);
            if (!File.Exists(temp))
            {
                throw new OutputWriteException("the encoder wrote nothing", path);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new OutputWriteException($"cannot write: {e.Message}", path, e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

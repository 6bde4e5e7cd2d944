namespace SegKit.Core.IO;

/// <summary>
/// Writes a file under a temporary name in the target folder and renames it into place, so a reader
/// never sees a half-written output and a failed write leaves nothing behind. A process killed while writing leaves its
/// hidden temporary file (named with its process id); <see cref="RemoveOrphans"/> clears those of processes that are gone.
/// </summary>
public static partial class AtomicFile
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
        string temp = Path.Combine(dir, $".{Path.GetFileNameWithoutExtension(full)}.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp{Path.GetExtension(full)}");
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

    /// <summary>
    /// Deletes the temporary files that writers killed mid-write left in <paramref name="folder"/> (those of processes
    /// no longer running; a running writer's are left alone). Returns how many went.
    /// </summary>
    public static int RemoveOrphans(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        int removed = 0;
        foreach (string file in Directory.EnumerateFiles(folder, ".*.tmp*"))
        {
            if (TempName().Match(Path.GetFileName(file)) is { Success: true } match
                && int.TryParse(match.Groups[1].ValueSpan, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid)
                && !IsRunning(pid))
            {
                TryDelete(file);
                removed += File.Exists(file) ? 0 : 1;
            }
        }

        return removed;
    }

    /// <summary>
    /// Deletes every temporary file a writer of <paramref name="path"/> left behind, whichever process or machine wrote
    /// it. Only for when no writer of that path can still be at work (its final file is complete and every writer has
    /// been told to stop): a job that spans machines cannot judge a writer by its process id. Returns how many went.
    /// </summary>
    public static int RemoveTemporaries(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (dir is null || !Directory.Exists(dir))
        {
            return 0;
        }

        string stem = Path.GetFileNameWithoutExtension(full);
        // Exactly the names WriteVia gives this path's temporaries, so another output sharing the prefix is never touched.
        var ours = new System.Text.RegularExpressions.Regex(
            $@"^\.{System.Text.RegularExpressions.Regex.Escape(stem)}\.\d+-[0-9a-f]{{32}}\.tmp{System.Text.RegularExpressions.Regex.Escape(Path.GetExtension(full))}$");
        int removed = 0;
        foreach (string file in Directory.EnumerateFiles(dir, $".{stem}.*.tmp*").Where(f => ours.IsMatch(Path.GetFileName(f))))
        {
            TryDelete(file);
            removed += File.Exists(file) ? 0 : 1;
        }

        return removed;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\..*\.(\d+)-[0-9a-f]{32}\.tmp(\.[^.]*)?$")]
    private static partial System.Text.RegularExpressions.Regex TempName();
}

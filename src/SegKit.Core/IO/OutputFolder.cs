namespace SegKit.Core.IO;

/// <summary>
/// Makes sure an output folder exists and is writable before any work starts, so a long batch does not fail at its end,
/// and clears the temporary files of an earlier run that was killed mid-write. Shared by the segkit commands and the
/// distributed batch (SegKit.Distributed), which must refuse the same folders.
/// </summary>
public static class OutputFolder
{
    /// <param name="removeOrphans">
    /// Also delete temporary files of dead writers. Only meaningful where every writer runs on this machine: a process id
    /// from another node of a cluster says nothing here, so the distributed batch passes false.
    /// </param>
    /// <exception cref="OutputWriteException">The folder cannot be created or written.</exception>
    public static void Prepare(string path, bool removeOrphans = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            Directory.CreateDirectory(path);
            string probe = Path.Combine(path, $".segkit-write-test-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            if (removeOrphans)
            {
                AtomicFile.RemoveOrphans(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputWriteException($"output folder is not writable ({e.Message})", path, e);
        }
    }
}

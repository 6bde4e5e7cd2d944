using SegKit.Core;
using SegKit.Core.IO;

namespace SegKit.Cli;

/// <summary>
/// Makes sure an output folder exists and is writable before any work starts, so a long batch does not fail at its end,
/// and clears the temporary files of an earlier run that was killed mid-write.
/// </summary>
internal static class OutputFolder
{
    public static void Prepare(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            string probe = Path.Combine(path, $".segkit-write-test-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            AtomicFile.RemoveOrphans(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputWriteException($"output folder is not writable ({e.Message})", path, e);
        }
    }
}

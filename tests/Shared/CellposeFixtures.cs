using System.IO.Compression;
using SegKit.Core.IO;

namespace SegKit.Testing;

/// <summary>
/// The Cellpose v3 reference arrays in tests/fixtures/cellpose-v3. They are stored one zip per case (the .npy files of
/// case <c>NAME</c> in <c>NAME.zip</c>) because raw label and flow arrays are 3x to 10x larger than deflated; the
/// tests ask for an array by its original file name, e.g. <c>dsb_4be73d68.flows.npy</c>.
/// </summary>
internal static class CellposeFixtures
{
    public static string Directory => RepositoryLayout.CellposeFixtures;

    /// <summary>manifest.json: the cases, the exact Cellpose calls and Cellpose's own numbers.</summary>
    public static string ManifestPath => Path.Combine(Directory, "manifest.json");

    /// <summary>Reads one array, named as in the original fixture folder (<c>CASE.KIND.npy</c>).</summary>
    public static NpyArray Npy(string fileName)
    {
        int dot = fileName.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !fileName.EndsWith(".npy", StringComparison.Ordinal))
        {
            throw new ArgumentException($"a fixture array is named CASE.KIND.npy, not '{fileName}'", nameof(fileName));
        }

        string archivePath = Path.Combine(Directory, fileName[..dot] + ".zip");
        using ZipArchive archive = ZipFile.OpenRead(archivePath);
        ZipArchiveEntry entry = archive.GetEntry(fileName)
            ?? throw new FileNotFoundException($"{archivePath} holds no {fileName}", fileName);
        using Stream stream = entry.Open();
        return NpyFile.Read(stream);
    }
}

namespace SegKit.Testing;

/// <summary>
/// Where things are, seen from test or benchmark binaries: the repository root (the folder holding Toolkit.sln),
/// the fixtures inside it (tests/fixtures: everything the default test run reads) and ../shared/data beside it
/// (the large training and validation sets, read only by the opt-in <see cref="SharedDataCategory"/> tests).
/// Linked into every test project.
/// </summary>
internal static class RepositoryLayout
{
    /// <summary>The trait value (<c>Category=SharedData</c>) of tests that need ../shared/data; filter on it to leave them out.</summary>
    public const string SharedDataCategory = "SharedData";

    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    /// <summary>tests/fixtures: the small real images, masks and Cellpose v3 reference outputs kept in the repository.</summary>
    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    /// <summary>The Cellpose v3 reference outputs (one zip of .npy arrays per case, and manifest.json).</summary>
    public static string CellposeFixtures => Path.Combine(Fixtures, "cellpose-v3");

    /// <summary>The few real images and masks the tests read, laid out as in ../shared/data (a subset of it).</summary>
    public static string FixtureData => Path.Combine(Fixtures, "data");

    /// <summary>Where the large data sets are expected: ../shared/data beside the repository.</summary>
    public static string SharedDataPath => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    public static bool SharedDataAvailable => Directory.Exists(SharedDataPath);

    /// <summary>Why a <see cref="SharedDataCategory"/> test is skipped, or null when the data is there.</summary>
    public static string? SharedDataSkipReason => SharedDataAvailable
        ? null
        : $"needs the large data sets in ../shared/data, which is absent ({SharedDataPath}); the self-contained tests read tests/fixtures only";

    /// <summary>../shared/data; only <see cref="SharedDataCategory"/> tests (skipped when it is absent) read it.</summary>
    public static string Data => SharedDataAvailable
        ? SharedDataPath
        : throw new DirectoryNotFoundException($"the shared data folder is expected at {SharedDataPath} (beside the repository)");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Toolkit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("could not find Toolkit.sln above the test binaries");
    }
}

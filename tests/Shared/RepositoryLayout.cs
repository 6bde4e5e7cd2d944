namespace SegKit.Testing;

/// <summary>
/// Where things are, seen from test or benchmark binaries: the repository root (the folder holding Toolkit.sln)
/// and ../shared beside it (real data and the Cellpose v3 fixtures). Linked into every test project, so tests
/// fail with this message, never skip, when the shared folder is missing.
/// </summary>
internal static class RepositoryLayout
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string Shared
    {
        get
        {
            string shared = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            return Directory.Exists(Path.Combine(shared, "fixtures"))
                ? shared
                : throw new DirectoryNotFoundException($"the shared data folder is expected at {shared} (beside the repository)");
        }
    }

    public static string Data => Path.Combine(Shared, "data");

    public static string Fixtures => Path.Combine(Shared, "fixtures", "cellpose-v3");

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

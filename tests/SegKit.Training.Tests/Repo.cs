namespace SegKit.Training.Tests;

/// <summary>The repository root (and ../shared beside it), found from the test binaries.</summary>
internal static class Repo
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Toolkit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Toolkit.sln not found above the test binaries");
    });

    public static string Root => RootPath.Value;
}

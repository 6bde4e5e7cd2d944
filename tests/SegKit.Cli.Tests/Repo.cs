namespace SegKit.Cli.Tests;

/// <summary>Paths in the repository (bundled samples) and a scratch folder per test.</summary>
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

        throw new DirectoryNotFoundException("could not find Toolkit.sln above the test binaries");
    });

    public static string Root => RootPath.Value;

    public static string SampleImages => Path.Combine(Root, "samples", "images");

    public static string SampleMasks => Path.Combine(Root, "samples", "masks");

    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    public static string NewTempDir() => Directory.CreateTempSubdirectory("segkit-cli-").FullName;
}

namespace SegKit.Cli.Tests;

/// <summary>Paths in the repository (bundled samples) and a scratch folder per test.</summary>
internal static class Repo
{
    public static string Root => SegKit.Testing.RepositoryLayout.Root;

    public static string SampleImages => Path.Combine(Root, "models", "samples", "images");

    public static string SampleMasks => Path.Combine(Root, "models", "samples", "masks");

    public static string NewTempDir() => Directory.CreateTempSubdirectory("segkit-cli-").FullName;
}

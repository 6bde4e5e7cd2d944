using SegKit.Core.IO;

namespace SegKit.Benchmarks;

/// <summary>Finds the Cellpose v3 fixtures (real DSB2018 label images and images) beside the repository.</summary>
internal static class BenchmarkFixtures
{
    private static readonly Lazy<string> Location = new(Find);

    public static string Directory => Location.Value;

    public static NpyArray Load(string name) => NpyFile.Read(Path.Combine(Directory, name));

    private static string Find()
    {
        // BenchmarkDotNet runs a generated copy under bin/, so walk up from there to the repository root.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Toolkit.sln")))
            {
                string fixtures = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "cellpose-v3"));
                if (System.IO.Directory.Exists(fixtures))
                {
                    return fixtures;
                }

                throw new DirectoryNotFoundException($"the Cellpose fixtures are expected at {fixtures} (beside the repository)");
            }
        }

        throw new DirectoryNotFoundException("could not find Toolkit.sln above the benchmark binaries");
    }
}

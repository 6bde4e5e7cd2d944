using SegKit.Core.IO;

namespace SegKit.Benchmarks;

/// <summary>Finds the Cellpose v3 fixtures (real DSB2018 label images and images) beside the repository.</summary>
internal static class BenchmarkFixtures
{
    public static string Directory => SegKit.Testing.RepositoryLayout.Fixtures;

    public static NpyArray Load(string name) => NpyFile.Read(Path.Combine(Directory, name));
}

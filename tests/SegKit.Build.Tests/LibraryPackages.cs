using SegKit.Testing;

namespace SegKit.Build.Tests;

/// <summary>
/// Packs SegKit.Build and the library packages (not the 200 MB segkit tool, which the Cli tests pack) from the
/// Release build the test run already made, into one folder at one version: what `dotnet pack` of the solution
/// gives a user, in one MSBuild run.
/// </summary>
internal static class LibraryPackages
{
    public static readonly string[] Projects =
    [
        "msbuild/SegKit.Build/SegKit.Build.csproj",
        "src/SegKit.Onnx/SegKit.Onnx.csproj",
        "src/SegKit.Core/SegKit.Core.csproj",
        "src/SegKit.Imaging/SegKit.Imaging.csproj",
        "src/SegKit.Inference/SegKit.Inference.csproj",
        "src/SegKit.ML/SegKit.ML.csproj",
        "src/SegKit.Service/SegKit.Service.csproj",
    ];

    /// <summary>The package ids <see cref="Pack"/> writes.</summary>
    public static IEnumerable<string> Ids => Projects.Select(Path.GetFileNameWithoutExtension)!;

    public static void Pack(string version, string output)
    {
        string folder = Directory.CreateTempSubdirectory("segkit-pack-").FullName;
        try
        {
            string projects = string.Join(";", Projects.Select(p => Path.Combine(RepositoryLayout.Root, p)));
            string traversal = Path.Combine(folder, "pack.proj");
            // NoBuild: a build here with another Version would rebuild the libraries' shared bin folders mid-run,
            // under the other tests. BuildInParallel=false: the projects share references.
            File.WriteAllText(traversal, $"""
                <Project>
                  <Target Name="Pack">
                    <MSBuild Projects="{projects}" Targets="Pack" BuildInParallel="false"
                             Properties="NoBuild=true;Configuration=Release;Version={version};PackageOutputPath={output}" />
                  </Target>
                </Project>
                """);
            var (exit, log) = DotNet.Run(folder, "msbuild", traversal, "-t:Pack", "-nologo", "-nodeReuse:false", "-v:m");
            if (exit != 0)
            {
                throw new InvalidOperationException($"packing the SegKit libraries at {version} failed ({exit}):\n{log}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

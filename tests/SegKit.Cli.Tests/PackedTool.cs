using SegKit.Testing;

namespace SegKit.Cli.Tests;

/// <summary>
/// Once per test run: the segkit tool package, packed from this build (about 40 s: packing compresses LibTorch's
/// 0.6 GB) into a local folder that the tool tests and the guide tests install from.
/// </summary>
public sealed class PackedTool : IDisposable
{
    public PackedTool()
    {
        Root = Repo.NewTempDir();
        Feed = Path.Combine(Root, "feed");
        ExternalProcess pack = ExternalProcess.Run("dotnet", Repo.Root, "pack", "src/SegKit.Cli/SegKit.Cli.csproj", "--no-build", "-c", Configuration, "-o", Feed, "--nologo");
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException($"packing the segkit tool failed:\n{pack}");
        }

        Package = Directory.GetFiles(Feed, "segkit.*.nupkg").Single(p => !p.EndsWith(".snupkg", StringComparison.Ordinal));
        Version = Path.GetFileNameWithoutExtension(Package)["segkit.".Length..];
    }

    /// <summary>Release or Debug: the configuration these tests were built in, so pack reuses that build.</summary>
    public static string Configuration =>
        AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar).Contains("Debug") ? "Debug" : "Release";

    public string Root { get; }

    /// <summary>The folder holding the package: a feed for <c>dotnet tool install --add-source</c>.</summary>
    public string Feed { get; }

    public string Package { get; }

    public string Version { get; }

    /// <summary>Installs the tool into <paramref name="toolPath"/> from the packed folder alone; returns the segkit executable.</summary>
    public string InstallTo(string toolPath, string workingDirectory)
    {
        string config = Path.Combine(workingDirectory, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="segkit-local" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        ExternalProcess install = ExternalProcess.Run("dotnet", workingDirectory, "tool", "install", "segkit", "--tool-path", toolPath, "--configfile", config, "--version", Version);
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"installing the segkit tool failed:\n{install}");
        }

        return Path.Combine(toolPath, "segkit");
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

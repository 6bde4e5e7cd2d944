using System.Xml.Linq;

namespace SegKit.Cli.Tests;

public class VersionOptionTests
{
    /// <summary>A version set in the repository's props files (the one place each is written).</summary>
    private static string Declared(string file, Func<XElement, bool> select, string attribute) =>
        XDocument.Load(Path.Combine(Repo.Root, file)).Descendants().Single(select).Attribute(attribute)?.Value
        ?? throw new InvalidOperationException($"{file} has no {attribute}");

    private static string PackageVersion(string id) =>
        Declared("Directory.Packages.props", e => e.Name.LocalName == "PackageVersion" && (string?)e.Attribute("Include") == id, "Version");

    [Fact]
    public void Version_prints_segkit_onnx_runtime_and_torchsharp_versions()
    {
        string segkit = XDocument.Load(Path.Combine(Repo.Root, "Directory.Build.props")).Descendants("VersionPrefix").Single().Value;

        CliRun run = CliRun.Of("--version");

        Assert.True(run.ExitCode == 0, run.ToString());
        string[] lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, lines.Length);
        // SegKit's version with the short commit the build adds, e.g. "segkit 0.1.0+4158ff4".
        Assert.Matches($@"^segkit {System.Text.RegularExpressions.Regex.Escape(segkit)}(\+[0-9a-f]{{7}})?$", lines[0]);
        Assert.Equal($"ONNX Runtime {PackageVersion("Microsoft.ML.OnnxRuntime")}", lines[1]);
        Assert.Equal($"TorchSharp {PackageVersion("TorchSharp")}", lines[2]);
        Assert.Equal("", run.Error);
    }
}

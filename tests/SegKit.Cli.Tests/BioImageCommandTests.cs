using System.IO.Compression;

namespace SegKit.Cli.Tests;

/// <summary>segkit export --bioimageio and segkit import bioimageio as a user runs them.</summary>
public sealed class BioImageCommandTests : IDisposable
{
    private readonly string _work = Repo.NewTempDir();

    private static string Sample => Path.Combine(Repo.SampleImages, "dsb_4be73d68.png");

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void A_shipped_model_exports_to_a_package_that_imports_back_byte_identical()
    {
        string model = Path.Combine(Repo.Root, "models", "membranes.onnx");
        string package = Path.Combine(_work, "membranes-bioimageio");

        CliRun export = CliRun.Of("export", model, "--bioimageio", package, "--image", Sample);
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.True(File.Exists(Path.Combine(package, "rdf.yaml")));
        using (ZipArchive zip = ZipFile.OpenRead(package + ".zip"))
        {
            Assert.Contains("rdf.yaml", zip.Entries.Select(e => e.FullName));
        }

        string imported = Path.Combine(_work, "imported.onnx");
        CliRun import = CliRun.Of("import", "bioimageio", package + ".zip", "--out", imported);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Equal(File.ReadAllBytes(model), File.ReadAllBytes(imported));
    }

    [Fact]
    public void A_package_without_its_weights_fails_in_one_line_and_writes_nothing()
    {
        string package = Path.Combine(_work, "broken");
        Assert.Equal(0, CliRun.Of("export", Path.Combine(Repo.Root, "models", "membranes.onnx"), "--bioimageio", package, "--image", Sample).ExitCode);
        File.Delete(Path.Combine(package, "weights.onnx"));
        string imported = Path.Combine(_work, "never.onnx");

        CliRun import = CliRun.Of("import", "bioimageio", package, "--out", imported);

        Assert.Equal(1, import.ExitCode);
        string line = Assert.Single(import.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("segkit: ", line);
        Assert.Contains("weights.onnx", line);
        Assert.False(File.Exists(imported));
    }
}

using System.IO.Compression;
using System.Text;
using SegKit.Core.Images;
using SegKit.Imaging;
using SegKit.Testing;

namespace SegKit.Cli.Tests;

/// <summary>
/// The segkit .NET tool as a user gets it: packed from this build into a local folder (<see cref="PackedTool"/>),
/// installed with <c>dotnet tool install --tool-path</c> from that folder alone, then run. It needs 0.9 GB of
/// temporary disk, removed afterwards; it runs in the default set.
/// </summary>
[Collection(PackedToolCollection.Name)]
public sealed class ToolPackageTests(PackedTool packed) : IDisposable
{
    private readonly string _work = Repo.NewTempDir();

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void Packed_tool_installs_from_a_local_folder_and_segments_with_its_bundled_model()
    {
        AssertPackageContents(packed.Package);

        // Only the local folder as a source: the package must carry everything the tool needs.
        string tools = Path.Combine(_work, "tools");
        string segkit = packed.InstallTo(tools, _work);

        ExternalProcess versionRun = ExternalProcess.Run(segkit, _work, "--version");
        Assert.True(versionRun.ExitCode == 0, versionRun.ToString());
        Assert.Equal(string.Join("\n", VersionReport.Lines()), versionRun.Out.TrimEnd().ReplaceLineEndings("\n"));

        // The default method is the bundled nuclei model, found inside the installed package.
        string image = Path.Combine(Repo.SampleImages, "dsb_4be73d68.png");
        string installedOut = Path.Combine(_work, "installed");
        ExternalProcess segment = ExternalProcess.Run(segkit, _work, "segment", image, "--out", installedOut);
        Assert.True(segment.ExitCode == 0, segment.ToString());

        // The same masks as this build's segkit, run in-process.
        string buildOut = Path.Combine(_work, "build");
        CliRun reference = CliRun.Of("segment", image, "--out", buildOut);
        Assert.True(reference.ExitCode == 0, reference.ToString());
        LabelImage installedMasks = LabelImageFile.Read(Path.Combine(installedOut, "dsb_4be73d68_masks.tif"));
        LabelImage buildMasks = LabelImageFile.Read(Path.Combine(buildOut, "dsb_4be73d68_masks.tif"));
        Assert.True(installedMasks.MaxLabel > 10, $"{installedMasks.MaxLabel} objects");
        Assert.Equal(buildMasks.Buffer, installedMasks.Buffer);

        AssertMissingGtkIsOneLineNamingThePackage(tools, segkit, image);
    }

    private static void AssertPackageContents(string package)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        const string Folder = "tools/net10.0/linux-x64/";
        Assert.Contains(Folder + "models/nuclei.onnx", entries);
        Assert.Contains(Folder + "models/membranes.onnx", entries);
        Assert.Contains(Folder + "libOpenCvSharpExtern.so", entries);
        Assert.Contains(Folder + "libonnxruntime.so", entries);
        Assert.Contains(Folder + "libtorch_cpu.so", entries);
        // ONNX Runtime's Windows DLLs are of no use in a linux-x64 tool.
        Assert.DoesNotContain(entries, e => e.EndsWith(".dll", StringComparison.Ordinal) && Path.GetFileName(e).StartsWith("onnxruntime", StringComparison.Ordinal));
        using var settings = new StreamReader(zip.GetEntry(Folder + "DotnetToolSettings.xml")!.Open());
        Assert.Contains("Command Name=\"segkit\"", settings.ReadToEnd(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A machine without libgtk-3-0, simulated: the installed copy of libOpenCvSharpExtern.so asks for a GTK soname
    /// no system has, so the dynamic loader fails exactly as it does where the package is missing.
    /// </summary>
    private static void AssertMissingGtkIsOneLineNamingThePackage(string tools, string segkit, string image)
    {
        string openCvLibrary = Assert.Single(Directory.GetFiles(Path.Combine(tools, ".store"), "libOpenCvSharpExtern.so", SearchOption.AllDirectories));
        byte[] bytes = File.ReadAllBytes(openCvLibrary);
        byte[] needed = Encoding.ASCII.GetBytes("libgtk-3.so.0\0");
        int at = bytes.AsSpan().IndexOf(needed);
        Assert.True(at >= 0, "libOpenCvSharpExtern.so does not name libgtk-3.so.0");
        bytes[at + needed.Length - 2] = (byte)'9';
        File.WriteAllBytes(openCvLibrary, bytes);

        ExternalProcess run = ExternalProcess.Run(segkit, Path.GetDirectoryName(tools)!, "segment", image, "--out", Path.Combine(Path.GetDirectoryName(tools)!, "no-gtk"));

        Assert.True(run.ExitCode == 1, run.ToString());
        string[] lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, run.ToString());
        Assert.StartsWith("segkit: OpenCV, which reads and writes images, needs the system library libgtk-3.so.9: install the package libgtk-3-0", lines[0], StringComparison.Ordinal);

        // --version needs no OpenCV, so it still works there.
        Assert.Equal(0, ExternalProcess.Run(segkit, Path.GetDirectoryName(tools)!, "--version").ExitCode);
    }
}

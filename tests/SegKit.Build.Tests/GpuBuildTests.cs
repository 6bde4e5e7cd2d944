using System.Text.RegularExpressions;
using System.Xml.Linq;
using SegKit.Testing;

namespace SegKit.Build.Tests;

/// <summary>
/// The GPU build (-p:SegKitGpu=true) restores from the feed, compiles with warnings as errors and runs. It is built apart,
/// in its own artifacts folder, so the CPU build's obj and bin are untouched.
/// </summary>
public sealed class GpuBuildTests
{
    [Fact]
    public void The_GPU_build_restores_the_CUDA_ONNX_Runtime_compiles_and_falls_back_where_CUDA_cannot_start()
    {
        string version = PackageVersion("Microsoft.ML.OnnxRuntime.Gpu.Linux");
        // The GPU package is not served at every CPU version (never as 1.31.1): apart, one build would restore and the other not.
        Assert.Equal(PackageVersion("Microsoft.ML.OnnxRuntime"), version);

        // Under the repository (artifacts/ is ignored) so that the test binaries find the shipped models above them.
        string artifacts = Path.Combine(RepositoryLayout.Root, "artifacts", "gpu-build-test-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // SegKit.Inference.Tests covers the GPU-specific code (device choice) and needs Core, Onnx, Imaging and Inference;
            // its CUDA tests check, in this build, that a CUDA request where CUDA cannot start warns once and runs on the CPU.
            var (exit, log) = DotNet.Run(
                RepositoryLayout.Root,
                "test", "tests/SegKit.Inference.Tests/SegKit.Inference.Tests.csproj", "-c", "Release", "--nologo",
                "-p:SegKitGpu=true", "--artifacts-path", artifacts, "--filter", "FullyQualifiedName~cuda");
            Assert.True(exit == 0, log);
            Match summary = Regex.Match(log, @"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+(\d+),");
            Assert.True(summary.Success && int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 2, log);

            string assets = File.ReadAllText(Path.Combine(artifacts, "obj", "SegKit.Inference", "project.assets.json"));
            Assert.Contains($"\"Microsoft.ML.OnnxRuntime.Gpu.Linux/{version}\"", assets);
            Assert.DoesNotContain("\"Microsoft.ML.OnnxRuntime/", assets);
            string bin = Path.Combine(artifacts, "bin", "SegKit.Inference.Tests", "release_linux-x64");
            Assert.True(File.Exists(Path.Combine(bin, "libonnxruntime_providers_cuda.so")), $"no CUDA provider library in {bin}");
        }
        finally
        {
            if (Directory.Exists(artifacts))
            {
                Directory.Delete(artifacts, recursive: true);
            }
        }
    }

    private static string PackageVersion(string id) =>
        XDocument.Load(Path.Combine(RepositoryLayout.Root, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == id)
            .Attribute("Version")!.Value;
}

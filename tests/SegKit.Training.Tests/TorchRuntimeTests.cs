using System.Diagnostics;
using TorchSharp;

namespace SegKit.Training.Tests;

public class TorchRuntimeTests
{
    private static string OutputLibrary => Path.Combine(AppContext.BaseDirectory, TorchRuntime.TorchSharpNativeFileName);

    private static bool SystemHasVersion()
    {
        string lib = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.First(File.Exists);
        return File.ReadAllText(lib, System.Text.Encoding.Latin1).Contains(TorchRuntime.NeededVersion, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_operation_runs()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new float[] { 1, 2, 3, 4 }, 2, 2);
        float[] product = a.matmul(a).data<float>().ToArray();
        Assert.Equal(new float[] { 7, 10, 15, 22 }, product);
    }

    [Fact]
    public void The_build_fixed_the_output_copy_exactly_where_the_system_needs_it()
    {
        bool needsFix = !SystemHasVersion();
        var status = ElfVersionNeeds.Find(OutputLibrary, TorchRuntime.NeededVersion);
        if (needsFix)
        {
            Assert.Equal(VersionNeedStatus.Weak, status);
            Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, TorchRuntime.ShimFileName)));
            TorchRuntime.EnsureLoaded();
            Assert.True(TorchRuntime.ShimLoaded);
        }
        else
        {
            Assert.Equal(VersionNeedStatus.Required, status);
        }
    }

    [Fact]
    public void The_package_copy_is_untouched_and_still_needs_the_version()
    {
        // The NuGet cache must never be patched: its library still asks for GLIBCXX_3.4.32 the strict way.
        string original = PackageLibrary();
        Assert.Equal(VersionNeedStatus.Required, ElfVersionNeeds.Find(original, TorchRuntime.NeededVersion));
        Assert.Equal(VersionNeedStatus.Absent, ElfVersionNeeds.Find(original, "GLIBCXX_9.9.99"));
    }

    [Fact]
    public void Patching_is_idempotent_and_changes_only_the_flag()
    {
        string dir = Directory.CreateTempSubdirectory("segkit-torchfix-").FullName;
        string source = Path.Combine(SegKit.Testing.RepositoryLayout.Root, "src", "SegKit.Training", "native", "libtorchsharp_fix.c");
        string tool = Path.Combine(dir, "fix");
        Run("gcc", $"-O2 -o \"{tool}\" \"{source}\" -ldl");
        string copy = Path.Combine(dir, TorchRuntime.TorchSharpNativeFileName);
        File.Copy(PackageLibrary(), copy);
        byte[] before = File.ReadAllBytes(copy);

        Assert.Equal("weak (patched)", Run(tool, $"patch \"{copy}\""));
        byte[] once = File.ReadAllBytes(copy);
        Assert.Equal("weak (already)", Run(tool, $"patch \"{copy}\""));
        Assert.Equal(once, File.ReadAllBytes(copy));
        Assert.Equal(VersionNeedStatus.Weak, ElfVersionNeeds.Find(copy, TorchRuntime.NeededVersion));
        Assert.Equal(before.Length, once.Length);
        Assert.Single(Enumerable.Range(0, before.Length), i => before[i] != once[i]);
        Directory.Delete(dir, true);
    }

    private static string PackageLibrary()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(packages, "torchsharp", typeof(torch).Assembly.GetName().Version!.ToString(3), "runtimes", "linux-x64", "native", TorchRuntime.TorchSharpNativeFileName);
        Assert.True(File.Exists(path), $"expected TorchSharp's package copy at {path}");
        return path;
    }

    private static string Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = process.StandardOutput.ReadToEnd().Trim();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {arguments} failed: {error}");
        return output;
    }
}

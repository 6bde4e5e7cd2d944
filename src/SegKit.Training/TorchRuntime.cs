using System.Runtime.InteropServices;
using TorchSharp;

namespace SegKit.Training;

/// <summary>
/// Makes sure TorchSharp's native libraries load before the first torch call. On systems whose libstdc++ predates
/// GLIBCXX_3.4.32 (Debian 12) the build has weakened that need in the output copy of libLibTorchSharp.so and put a
/// shim library beside it (see Directory.Build.targets); the shim must be loaded globally first.
/// </summary>
public static class TorchRuntime
{
    public const string ShimFileName = "libsegkit_glibcxx_shim.so";
    public const string TorchSharpNativeFileName = "libLibTorchSharp.so";
    public const string NeededVersion = "GLIBCXX_3.4.32";

    private const int RtldNow = 0x2;
    private const int RtldGlobal = 0x100;
    private static readonly Lazy<bool> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Whether the shim was loaded (false where the system libstdc++ needs no help).</summary>
    public static bool ShimLoaded { get; private set; }

    /// <summary>Loads the native libraries once; throws <see cref="TorchUnavailableException"/> with the reason when it cannot.</summary>
    public static void EnsureLoaded() => _ = Loaded.Value;

    private static bool Load()
    {
        string dir = AppContext.BaseDirectory;
        string shim = Path.Combine(dir, ShimFileName);
        if (OperatingSystem.IsLinux() && File.Exists(shim))
        {
            if (DlOpen(shim, RtldNow | RtldGlobal) == IntPtr.Zero)
            {
                throw new TorchUnavailableException($"could not load {shim}, the libstdc++ compatibility shim for TorchSharp");
            }

            ShimLoaded = true;
        }

        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException)
        {
            throw new TorchUnavailableException(Diagnose(dir), e);
        }

        return true;
    }

    private static string Diagnose(string dir)
    {
        string library = Path.Combine(dir, TorchSharpNativeFileName);
        if (!File.Exists(library))
        {
            return $"TorchSharp's native library {library} is missing: reference the LibTorch package ({TorchSharpNativeFileName} comes with TorchSharp) and rebuild";
        }

        return ElfVersionNeeds.Find(library, NeededVersion) == VersionNeedStatus.Required
            ? $"TorchSharp could not load: {library} needs {NeededVersion}, which this system's libstdc++ lacks, and the build's fix was not applied to it (rebuild with gcc installed; see Directory.Build.targets)"
            : "TorchSharp could not load its native libraries (see the inner exception)";
    }

    private static IntPtr DlOpen(string path, int flags)
    {
        // glibc 2.34+ has dlopen in libc itself; older ones in libdl.
        try
        {
            return LibC.dlopen(path, flags);
        }
        catch (EntryPointNotFoundException)
        {
            return LibDl.dlopen(path, flags);
        }
    }

    private static class LibC
    {
        [DllImport("libc.so.6", CharSet = CharSet.Ansi, BestFitMapping = false)]
        public static extern IntPtr dlopen(string path, int flags);
    }

    private static class LibDl
    {
        [DllImport("libdl.so.2", CharSet = CharSet.Ansi, BestFitMapping = false)]
        public static extern IntPtr dlopen(string path, int flags);
    }
}

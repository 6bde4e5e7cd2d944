using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using OpenCvSharp;

namespace SegKit.Imaging;

/// <summary>
/// Checks once that OpenCvSharp's native library loads, before the first OpenCV call. On Linux that library
/// (libOpenCvSharpExtern.so of OpenCvSharp4.official.runtime.linux-x64) links against GTK 3 although SegKit never
/// opens a window; on a machine without it every OpenCV call fails with a DllNotFoundException wrapped in a type
/// initialiser's error, which says nothing of GTK. A user who installed the segkit tool gets instead one line naming
/// the package to install.
/// </summary>
public static partial class OpenCvRuntime
{
    /// <summary>The Debian/Ubuntu package that provides the GTK 3 libraries OpenCvSharp's Linux build needs.</summary>
    public const string GtkPackage = "libgtk-3-0";

    /// <summary>The system libraries of <see cref="GtkPackage"/> that libOpenCvSharpExtern.so is linked against.</summary>
    internal static readonly string[] GtkLibraries = ["libgtk-3.so.0", "libgdk-3.so.0"];

    private const string ExternLibrary = "OpenCvSharpExtern";

    private static readonly Lazy<bool> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads OpenCV's native library once; throws <see cref="OpenCvUnavailableException"/> saying why when it cannot.</summary>
    public static void EnsureAvailable() => _ = Loaded.Value;

    /// <summary>
    /// What to tell the user, in one line, when OpenCvSharp's native library did not load: the missing GTK library and
    /// its package when <paramref name="canLoad"/> cannot load one or the loader's message names one, else the
    /// loader's own reason.
    /// </summary>
    internal static string Explain(Func<string, bool> canLoad, string loaderMessage)
    {
        string? missing = GtkLibraries.FirstOrDefault(library => !canLoad(library)) ?? MissingGtkLibraryNamedIn(loaderMessage);
        return missing is not null
            ? $"OpenCV, which reads and writes images, needs the system library {missing}: install the package {GtkPackage} "
              + $"(libgtk-3-0t64 on Ubuntu 24.04 and later), e.g. 'sudo apt-get install {GtkPackage}'"
            : $"OpenCV's native library ({ExternLibrary}) could not be loaded: {string.Join(' ', loaderMessage.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))}";
    }

    /// <summary>
    /// The GTK 3 library the dynamic loader could not open, as its error (dlerror, quoted in the .NET exception's
    /// message) names it: "libgtk-3.so.0: cannot open shared object file".
    /// </summary>
    private static string? MissingGtkLibraryNamedIn(string loaderMessage)
    {
        Match match = MissingGtkPattern().Match(loaderMessage);
        return match.Success ? match.Groups["library"].Value : null;
    }

    [GeneratedRegex(@"(?<library>lib(gtk|gdk)-3\.so[.0-9]*): cannot open shared object file")]
    private static partial Regex MissingGtkPattern();

    private static bool Load()
    {
        // The same search DllImport does for OpenCvSharp's calls (the app's deps.json native assets, then the system);
        // the handle stays open, as OpenCvSharp's first call would leave it.
        try
        {
            _ = NativeLibrary.Load(ExternLibrary, typeof(Cv2).Assembly, null);
        }
        catch (DllNotFoundException e)
        {
            throw new OpenCvUnavailableException(Explain(CanLoadSystemLibrary, e.Message), e);
        }
        catch (BadImageFormatException e)
        {
            throw new OpenCvUnavailableException(Explain(CanLoadSystemLibrary, e.Message), e);
        }

        return true;
    }

    private static bool CanLoadSystemLibrary(string name)
    {
        if (!NativeLibrary.TryLoad(name, out IntPtr handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }
}

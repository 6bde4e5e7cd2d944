using System.Reflection;

namespace SegKit.Cli;

/// <summary>
/// What <c>segkit --version</c> prints: SegKit's version, then the versions of the two runtimes a bug report needs
/// (ONNX Runtime runs every model, TorchSharp trains and exports), read from their managed assemblies so that
/// printing them loads no native library.
/// </summary>
internal static class VersionReport
{
    public static string SegKit => Of(typeof(VersionReport).Assembly);

    public static string OnnxRuntime => Of(typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly);

    public static string TorchSharp => Of(typeof(TorchSharp.torch).Assembly);

    public static IReadOnlyList<string> Lines() =>
    [
        $"segkit {SegKit}",
        $"ONNX Runtime {OnnxRuntime}",
        $"TorchSharp {TorchSharp}",
    ];

    private static string Of(Assembly assembly)
    {
        string? informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational))
        {
            return assembly.GetName().Version?.ToString() ?? "unknown";
        }

        // The build appends "+<commit>"; SegKit keeps a short commit (which build this is), the dependencies none.
        int plus = informational.IndexOf('+', StringComparison.Ordinal);
        if (plus < 0)
        {
            return informational;
        }

        return assembly == typeof(VersionReport).Assembly && informational.Length > plus + 8
            ? informational[..(plus + 8)]
            : informational[..plus];
    }
}

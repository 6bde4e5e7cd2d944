namespace SegKit.Distributed;

/// <summary>
/// The models shipped with the segkit tool (models/ beside it), named in a manifest by their name. A name travels to
/// the silos as a name and each silo opens its own copy, so the tool may be installed in different places on different
/// machines; any other model is a path on the shared file system.
/// </summary>
public static class BundledModels
{
    public static IReadOnlyList<string> Names { get; } = ["nuclei", "membranes"];

    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "models");

    public static bool IsName(string model) => Names.Contains(model, StringComparer.Ordinal);

    /// <summary>The file a manifest's model stands for: a bundled name in <paramref name="bundledDirectory"/>, else a path.</summary>
    /// <exception cref="ManifestException">Neither a bundled name nor something that looks like an ONNX file.</exception>
    public static string Resolve(string model, string bundledDirectory, string baseDirectory, string manifest)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (IsName(model))
        {
            return Path.Combine(bundledDirectory, model + ".onnx");
        }

        if (!model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) && !model.Contains('/', StringComparison.Ordinal) && !model.Contains('\\', StringComparison.Ordinal))
        {
            throw new ManifestException($"unknown model '{model}': name a bundled model ({string.Join(", ", Names)}) or the path of an ONNX model file", manifest);
        }

        return Path.GetFullPath(Path.Combine(baseDirectory, model));
    }
}

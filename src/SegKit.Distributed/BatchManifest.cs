using System.Globalization;
using System.Text.Json;

namespace SegKit.Distributed;

/// <summary>
/// A batch job as written in its JSON manifest: the inputs (image files or folders), the model (a bundled name or an
/// ONNX file), the settings and the output folder. Relative paths are relative to the manifest's folder and are made
/// absolute here, because silos on other machines (or in other folders) read and write the same shared paths.
/// <code>
/// { "inputs": ["images/", "more/a.tif"], "model": "nuclei",
///   "settings": { "diameter": 17, "flowThreshold": 0.4, "cellprobThreshold": 0, "minSize": 15, "channels": [0, 0] },
///   "output": "masks/" }
/// </code>
/// Unknown keys are refused, so a misspelt setting is an error rather than a silent default.
/// </summary>
public sealed record BatchManifest(string SourcePath, IReadOnlyList<string> Inputs, string Model, JobSettings Settings, string Output)
{
    private static readonly string[] TopLevelKeys = ["inputs", "model", "settings", "output"];
    private static readonly string[] SettingKeys = ["diameter", "flowThreshold", "cellprobThreshold", "minSize", "channels"];

    /// <exception cref="ManifestException">The file is missing, not JSON, or a key is missing, unknown or of the wrong kind.</exception>
    public static BatchManifest Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException(File.Exists(path) ? $"cannot be read ({e.Message})" : "manifest not found", path, e);
        }

        return Parse(text, path);
    }

    /// <param name="sourcePath">The manifest's path: named in errors, and relative paths are resolved against its folder.</param>
    public static BatchManifest Parse(string json, string sourcePath)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(sourcePath);
        string baseDir = Path.GetDirectoryName(Path.GetFullPath(sourcePath)) ?? Directory.GetCurrentDirectory();
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad("the manifest must be a JSON object with inputs, model, settings and output", sourcePath);
            }

            RefuseUnknownKeys(root, TopLevelKeys, "", sourcePath);
            JsonElement inputs = Required(root, "inputs", sourcePath);
            IReadOnlyList<string> inputPaths = inputs.ValueKind switch
            {
                JsonValueKind.Array when inputs.GetArrayLength() > 0 => inputs.EnumerateArray().Select(e => Resolve(baseDir, NonEmptyString(e, "inputs[]", sourcePath))).ToList(),
                JsonValueKind.String => [Resolve(baseDir, NonEmptyString(inputs, "inputs", sourcePath))],
                _ => throw Bad("\"inputs\" must be a non-empty list of image files or folders", sourcePath),
            };
            string model = NonEmptyString(Required(root, "model", sourcePath), "model", sourcePath);
            string output = Resolve(baseDir, NonEmptyString(Required(root, "output", sourcePath), "output", sourcePath));
            JobSettings settings = root.TryGetProperty("settings", out JsonElement s) ? ReadSettings(s, sourcePath) : new JobSettings();
            return new BatchManifest(Path.GetFullPath(sourcePath), inputPaths, model, settings, output);
        }
        catch (JsonException e)
        {
            throw new ManifestException($"is not valid JSON ({e.Message})", sourcePath, e);
        }
    }

    /// <summary>The folder relative paths of this manifest are resolved against (a model path, for one).</summary>
    public string BaseDirectory => Path.GetDirectoryName(SourcePath) ?? Directory.GetCurrentDirectory();

    private static JobSettings ReadSettings(JsonElement s, string source)
    {
        if (s.ValueKind != JsonValueKind.Object)
        {
            throw Bad("\"settings\" must be an object", source);
        }

        RefuseUnknownKeys(s, SettingKeys, "settings.", source);
        var settings = new JobSettings();
        if (s.TryGetProperty("diameter", out JsonElement d) && d.ValueKind != JsonValueKind.Null)
        {
            double diameter = Number(d, "settings.diameter", source);
            settings = settings with { Diameter = diameter > 0 && double.IsFinite(diameter) ? diameter : throw Bad("settings.diameter must be a positive number of pixels (or null to estimate it)", source) };
        }

        if (s.TryGetProperty("flowThreshold", out JsonElement f))
        {
            double flow = Number(f, "settings.flowThreshold", source);
            settings = settings with { FlowThreshold = flow >= 0 && double.IsFinite(flow) ? flow : throw Bad("settings.flowThreshold must be 0 or more (0 keeps every mask)", source) };
        }

        if (s.TryGetProperty("cellprobThreshold", out JsonElement p))
        {
            double cellprob = Number(p, "settings.cellprobThreshold", source);
            settings = settings with { CellprobThreshold = double.IsFinite(cellprob) ? (float)cellprob : throw Bad("settings.cellprobThreshold must be a finite number", source) };
        }

        if (s.TryGetProperty("minSize", out JsonElement m))
        {
            settings = settings with { MinSize = m.ValueKind == JsonValueKind.Number && m.TryGetInt32(out int minSize) && minSize >= 0 ? minSize : throw Bad("settings.minSize must be a whole number of pixels, 0 or more", source) };
        }

        if (s.TryGetProperty("channels", out JsonElement c) && c.ValueKind != JsonValueKind.Null)
        {
            int[] channels = c.ValueKind == JsonValueKind.Array && c.GetArrayLength() == 2 && c.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) && v is >= 0 and <= 3)
                ? c.EnumerateArray().Select(e => e.GetInt32()).ToArray()
                : throw Bad("settings.channels must be two Cellpose channel numbers [cytoplasm, nucleus], each 0 (gray/none), 1 (red), 2 (green) or 3 (blue)", source);
            settings = settings with { CytoplasmChannel = channels[0], NucleusChannel = channels[1] };
        }

        try
        {
            _ = settings.ToSegmentOptions();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw Bad($"settings: {e.Message.Split(" (Parameter", StringSplitOptions.None)[0]}", source);
        }

        return settings;
    }

    private static void RefuseUnknownKeys(JsonElement obj, string[] known, string prefix, string source)
    {
        string[] unknown = obj.EnumerateObject().Select(p => p.Name).Where(n => !known.Contains(n, StringComparer.Ordinal)).ToArray();
        if (unknown.Length > 0)
        {
            throw Bad($"unknown key{(unknown.Length > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => $"\"{prefix}{u}\""))} (known: {string.Join(", ", known.Select(k => prefix + k))})", source);
        }
    }

    private static JsonElement Required(JsonElement obj, string key, string source) =>
        obj.TryGetProperty(key, out JsonElement value) ? value : throw Bad($"\"{key}\" is missing", source);

    private static string NonEmptyString(JsonElement e, string key, string source) =>
        e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } text ? text : throw Bad($"\"{key}\" must be a non-empty string", source);

    private static double Number(JsonElement e, string key, string source) =>
        e.ValueKind == JsonValueKind.Number ? e.GetDouble() : throw Bad(string.Create(CultureInfo.InvariantCulture, $"{key} must be a number, not {e.ValueKind.ToString().ToLowerInvariant()}"), source);

    private static string Resolve(string baseDir, string path) => Path.GetFullPath(Path.Combine(baseDir, path));

    private static ManifestException Bad(string message, string source) => new(message, source);
}

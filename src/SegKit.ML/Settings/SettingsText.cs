using System.Globalization;
using System.Text;

namespace SegKit.ML.Settings;

/// <summary>
/// A step's settings as one line of text, "version;key=value;...", values percent-escaped. The line is stored in the saved
/// pipeline as the literal of an ML.NET Expression (so it holds no quote or backslash), and is parsed once per process.
/// </summary>
internal sealed class SettingsText
{
    private readonly Dictionary<string, string> _values;

    private SettingsText(string kind, Dictionary<string, string> values)
    {
        Kind = kind;
        _values = values;
    }

    /// <summary>The settings' kind and version, e.g. "tile/1".</summary>
    public string Kind { get; }

    public static string Format(string kind, params (string Key, object? Value)[] values)
    {
        var text = new StringBuilder(kind);
        foreach (var (key, value) in values)
        {
            if (value is null)
            {
                continue;
            }

            string s = value switch
            {
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                float f => f.ToString("R", CultureInfo.InvariantCulture),
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? string.Empty,
            };
            text.Append(';').Append(key).Append('=').Append(Uri.EscapeDataString(s));
        }

        return text.ToString();
    }

    public static SettingsText Parse(string text, string expectedKind)
    {
        string[] parts = text.Split(';');
        if (parts[0] != expectedKind)
        {
            throw new PipelineSettingsException($"settings '{text}' are not {expectedKind} settings (made by another SegKit version?)");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in parts.Skip(1))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new PipelineSettingsException($"damaged settings '{text}'");
            }

            values[part[..eq]] = Uri.UnescapeDataString(part[(eq + 1)..]);
        }

        return new SettingsText(parts[0], values);
    }

    public string? Text(string key) => _values.GetValueOrDefault(key);

    public string Required(string key) => _values.TryGetValue(key, out string? v) ? v : throw new PipelineSettingsException($"{Kind} settings lack '{key}'");

    public double Double(string key) => double.Parse(Required(key), NumberStyles.Float, CultureInfo.InvariantCulture);

    public double? OptionalDouble(string key) => Text(key) is string s ? double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture) : null;

    public int Int(string key) => int.Parse(Required(key), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public int? OptionalInt(string key) => Text(key) is string s ? int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

    public bool Bool(string key) => Required(key) == "true";
}

using System.Globalization;

namespace SegKit.Onnx;

/// <summary>Typed, checked access to "segkit.*" metadata values, failing with the key and the file named.</summary>
internal sealed class CardReader
{
    private readonly IReadOnlyDictionary<string, string> _metadata;
    private readonly string? _source;

    public CardReader(IReadOnlyDictionary<string, string> metadata, string? source)
    {
        _metadata = metadata;
        _source = source;
    }

    public OnnxFormatException Fail(string problem) => new(_source, problem);

    public string Required(string key) =>
        _metadata.TryGetValue(key, out var value) ? value : throw Fail($"model card lacks '{key}'");

    public int Int(string key) =>
        int.TryParse(Required(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Fail($"model card '{key}' is '{_metadata[key]}', not an integer");

    public long Long(string key) =>
        long.TryParse(Required(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Fail($"model card '{key}' is '{_metadata[key]}', not an integer");

    public double Double(string key) =>
        double.TryParse(Required(key), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Fail($"model card '{key}' is '{_metadata[key]}', not a number");

    /// <summary>"true" or "false"; false when the key is absent.</summary>
    public bool Flag(string key) =>
        !_metadata.TryGetValue(key, out var value) ? false
        : value == "true" ? true
        : value == "false" ? false
        : throw Fail($"model card '{key}' is '{value}', expected 'true' or 'false'");

    public DateTimeOffset Date(string key) =>
        DateTimeOffset.TryParseExact(Required(key), "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            ? value
            : throw Fail($"model card '{key}' is '{_metadata[key]}', not an ISO 8601 date");

    /// <summary>Comma-separated numbers.</summary>
    public float[] Floats(string key)
    {
        string[] parts = Required(key).Split(',');
        var values = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || float.IsNaN(values[i]) || float.IsInfinity(values[i]))
                throw Fail($"model card '{key}' item {i + 1} is '{parts[i]}', not a finite number");
        }

        return values;
    }

    /// <summary>A list stored as a count under <paramref name="countKey"/> and one key per item.</summary>
    public IReadOnlyList<string> List(string countKey, string itemPrefix)
    {
        var count = Int(countKey);
        if (count < 0 || count > 4096)
            throw Fail($"model card '{countKey}' is {count}, not a plausible count");
        var items = new string[count];
        for (var i = 0; i < count; i++)
            items[i] = Required(itemPrefix + i.ToString(CultureInfo.InvariantCulture));
        return items;
    }
}

using System.Globalization;

namespace SegKit.Interop.BioImageIo;

/// <summary>
/// One node of an rdf.yaml (a mapping, a list or a scalar), with its place in the document ("inputs[0].axes[2]") so a
/// refusal names the field as well as the file. Read by <see cref="RdfYaml"/>; values are looked up, never executed.
/// </summary>
public sealed class RdfNode
{
    private readonly List<KeyValuePair<string, RdfNode>>? _entries;
    private readonly List<RdfNode>? _items;

    internal RdfNode(string file, string path, string? scalar, bool quoted)
    {
        File = file;
        Path = path;
        Scalar = scalar;
        IsQuoted = quoted;
    }

    internal RdfNode(string file, string path, List<KeyValuePair<string, RdfNode>> entries)
    {
        File = file;
        Path = path;
        _entries = entries;
    }

    internal RdfNode(string file, string path, List<RdfNode> items)
    {
        File = file;
        Path = path;
        _items = items;
    }

    /// <summary>The rdf.yaml this node was read from (named in messages).</summary>
    public string File { get; }

    /// <summary>Where the node sits, e.g. "inputs[0].preprocessing[1].kwargs"; empty for the document.</summary>
    public string Path { get; }

    /// <summary>The text of a scalar; null for a mapping or a list (and for YAML's null).</summary>
    public string? Scalar { get; }

    /// <summary>Whether the scalar was quoted in the file (a quoted "1" is text, not a number).</summary>
    public bool IsQuoted { get; }

    public bool IsMapping => _entries is not null;

    public bool IsList => _items is not null;

    /// <summary>YAML's null: an empty value, "~" or "null".</summary>
    public bool IsNull => _entries is null && _items is null && !IsQuoted && (Scalar is null or "" or "~" or "null" or "Null" or "NULL");

    public IReadOnlyList<KeyValuePair<string, RdfNode>> Entries => _entries ?? [];

    public IReadOnlyList<RdfNode> Items => _items ?? [];

    /// <summary>The value under <paramref name="key"/>, or null when the mapping lacks it (or holds null there).</summary>
    public RdfNode? this[string key]
    {
        get
        {
            if (_entries is null)
            {
                throw Fail("is not a mapping");
            }

            foreach (var (k, v) in _entries)
            {
                if (k == key)
                {
                    return v.IsNull ? null : v;
                }
            }

            return null;
        }
    }

    public RdfNode Required(string key) => this[key] ?? throw Fail($"has no '{key}'");

    /// <summary>The text of the scalar under <paramref name="key"/>; refused when it is missing or not a scalar.</summary>
    public string Text(string key) => Required(key).AsText();

    public string? OptionalText(string key) => this[key]?.AsText();

    public double Number(string key, double defaultValue) => this[key] is { } node ? node.AsNumber() : defaultValue;

    /// <summary>The list under <paramref name="key"/>; an absent key is an empty list.</summary>
    public IReadOnlyList<RdfNode> List(string key)
    {
        if (this[key] is not { } node)
        {
            return [];
        }

        return node.IsList ? node.Items : throw node.Fail("is not a list");
    }

    public string AsText()
    {
        if (IsMapping || IsList || Scalar is null)
        {
            throw Fail("is not a single value");
        }

        return Scalar;
    }

    public double AsNumber()
    {
        string text = AsText();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw Fail($"is '{UntrustedText.Quote(text)}', not a number");
        }

        return value;
    }

    public int AsInt()
    {
        double value = AsNumber();
        if (value != Math.Floor(value) || value is < int.MinValue or > int.MaxValue)
        {
            throw Fail($"is {value.ToString(CultureInfo.InvariantCulture)}, not a whole number");
        }

        return (int)value;
    }

    /// <summary>A refusal naming the file and this field.</summary>
    public ModelFileException Fail(string problem) =>
        new(Path.Length == 0 ? problem : $"{Path} {problem}", File);
}

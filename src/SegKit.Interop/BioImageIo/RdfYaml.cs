using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace SegKit.Interop.BioImageIo;

/// <summary>
/// rdf.yaml in and out. Reading walks YamlDotNet's event parser with an explicit stack, so a file from elsewhere can
/// neither nest deep enough to overflow the stack nor grow through aliases (an alias shares its anchor's node, it is not
/// copied); writing goes through YamlDotNet's emitter, so every string is quoted the way YAML needs.
/// </summary>
public static class RdfYaml
{
    /// <summary>An rdf.yaml is a page of text; a larger one is not a model description.</summary>
    public const int MaxBytes = 1 << 20;

    private const int MaxDepth = 64;

    /// <summary>Parses <paramref name="bytes"/> (UTF-8) as one YAML document whose top is a mapping.</summary>
    /// <param name="file">Named in messages.</param>
    /// <exception cref="ModelFileException">Not YAML, larger than <see cref="MaxBytes"/>, nested too deep, or not a mapping.</exception>
    public static RdfNode Parse(byte[] bytes, string file)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length > MaxBytes)
        {
            throw new ModelFileException($"is {bytes.Length} bytes; an rdf.yaml of more than {MaxBytes} bytes is not a model description", file);
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new ModelFileException("is not UTF-8 text", file);
        }

        try
        {
            return Build(new Parser(new StringReader(text)), file);
        }
        catch (YamlException e)
        {
            throw new ModelFileException($"is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {UntrustedText.Quote(e.Message)}", file, e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's parser reports some malformed input ("[" then text on the next line) as a broken state, not a YamlException.
            throw new ModelFileException($"is not valid YAML: {UntrustedText.Quote(e.Message)}", file, e);
        }
    }

    /// <summary>
    /// Writes a document built of ordered mappings (<see cref="IEnumerable{T}"/> of key/value pairs), lists, strings,
    /// numbers and booleans as YAML text.
    /// </summary>
    public static string Write(IEnumerable<KeyValuePair<string, object?>> document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var stream = new YamlStream(new YamlDocument(ToNode(document)));
        var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        stream.Save(text, assignAnchors: false);

        // YamlDotNet ends the document with "..."; one document needs no end marker.
        string yaml = text.ToString();
        return yaml.EndsWith("...\n", StringComparison.Ordinal) ? yaml[..^4] : yaml;
    }

    private static YamlNode ToNode(object? value) => value switch
    {
        null => new YamlScalarNode("null") { Style = ScalarStyle.Plain },
        string s => new YamlScalarNode(s) { Style = ScalarStyle.DoubleQuoted },
        bool b => new YamlScalarNode(b ? "true" : "false") { Style = ScalarStyle.Plain },
        int or long => new YamlScalarNode(Convert.ToString(value, CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain },
        double d when double.IsFinite(d) => new YamlScalarNode(Number(d)) { Style = ScalarStyle.Plain },
        float f when float.IsFinite(f) => new YamlScalarNode(Number(f)) { Style = ScalarStyle.Plain },
        IEnumerable<KeyValuePair<string, object?>> map => Mapping(map),
        System.Collections.IEnumerable list => new YamlSequenceNode(list.Cast<object?>().Select(ToNode)),
        _ => throw new ArgumentException($"cannot write a {value.GetType().Name} ({value}) to YAML", nameof(value)),
    };

    /// <summary>
    /// A number both YAML 1.2 and YAML 1.1 readers (PyYAML) take as a float: 1e-06 would be text to YAML 1.1, which wants
    /// a decimal point and a signed exponent (1.0e-06).
    /// </summary>
    private static string Number(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        int e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }

        string mantissa = text[..e].Contains('.', StringComparison.Ordinal) ? text[..e] : text[..e] + ".0";
        string exponent = text[(e + 1)..];
        return $"{mantissa}e{(exponent.StartsWith('-') || exponent.StartsWith('+') ? exponent : "+" + exponent)}";
    }

    private static YamlMappingNode Mapping(IEnumerable<KeyValuePair<string, object?>> map)
    {
        var node = new YamlMappingNode();
        foreach (var (key, value) in map)
        {
            node.Add(new YamlScalarNode(key), ToNode(value));
        }

        return node;
    }

    private static RdfNode Build(Parser parser, string file)
    {
        var anchors = new Dictionary<string, RdfNode>(StringComparer.Ordinal);
        var stack = new Stack<RdfYamlFrame>();
        RdfNode? root = null;
        int documents = 0;
        while (parser.MoveNext())
        {
            ParsingEvent e = parser.Current!;
            switch (e)
            {
                case StreamStart or StreamEnd or DocumentEnd:
                    break;
                case DocumentStart:
                    if (++documents > 1)
                    {
                        throw new ModelFileException("holds more than one YAML document", file);
                    }

                    break;
                case Scalar scalar when stack.Count > 0 && stack.Peek().ExpectsKey:
                    stack.Peek().Key = scalar.Value;
                    break;
                case Scalar scalar:
                    Add(new RdfNode(file, Child(stack), scalar.Value, scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted), scalar.Anchor);
                    break;
                case AnchorAlias alias:
                    if (stack.Count > 0 && stack.Peek().ExpectsKey)
                    {
                        throw new ModelFileException($"{Child(stack)} has an alias as a mapping key", file);
                    }

                    Add(anchors.TryGetValue(alias.Value.Value, out RdfNode? target) ? target : throw new ModelFileException($"{Child(stack)} refers to an unknown anchor", file), AnchorName.Empty);
                    break;
                case MappingStart or SequenceStart:
                    if (stack.Count > 0 && stack.Peek().ExpectsKey)
                    {
                        throw new ModelFileException($"{Child(stack)} has a mapping or list as a mapping key", file);
                    }

                    if (stack.Count >= MaxDepth)
                    {
                        throw new ModelFileException($"nests deeper than {MaxDepth} levels", file);
                    }

                    var anchor = ((NodeEvent)e).Anchor;
                    stack.Push(e is MappingStart ? new RdfYamlFrame(Child(stack), [], null, anchor) : new RdfYamlFrame(Child(stack), null, [], anchor));
                    break;
                case MappingEnd or SequenceEnd:
                    RdfYamlFrame done = stack.Pop();
                    Add(done.Entries is not null ? new RdfNode(file, done.Path, done.Entries) : new RdfNode(file, done.Path, done.Items!), done.Anchor);
                    break;
                default:
                    throw new ModelFileException($"holds an unexpected YAML element ({e.GetType().Name})", file);
            }
        }

        if (root is null || !root.IsMapping)
        {
            throw new ModelFileException("is not a YAML mapping (a model description starts with fields such as 'format_version: 0.5.4')", file);
        }

        return root;

        void Add(RdfNode node, AnchorName anchor)
        {
            if (!anchor.IsEmpty)
            {
                anchors[anchor.Value] = node;
            }

            if (stack.Count == 0)
            {
                root = node;
                return;
            }

            RdfYamlFrame parent = stack.Peek();
            if (parent.Items is not null)
            {
                parent.Items.Add(node);
                return;
            }

            if (!parent.Keys.Add(parent.Key!))
            {
                throw new ModelFileException($"{node.Path} appears twice", file);
            }

            parent.Entries!.Add(new KeyValuePair<string, RdfNode>(parent.Key!, node));
            parent.Key = null;
        }
    }

    /// <summary>The path of the node about to be read under the top of <paramref name="stack"/>.</summary>
    private static string Child(Stack<RdfYamlFrame> stack)
    {
        if (stack.Count == 0)
        {
            return "";
        }

        RdfYamlFrame parent = stack.Peek();
        string key = parent.Items is not null
            ? string.Create(CultureInfo.InvariantCulture, $"[{parent.Items.Count}]")
            : (parent.Path.Length == 0 ? "" : ".") + UntrustedText.Quote(parent.Key ?? "");
        return parent.Path + key;
    }
}

using YamlDotNet.Core;

namespace SegKit.Interop.BioImageIo;

/// <summary>One open mapping or sequence while <see cref="RdfYaml"/> reads: its path in the document, and what it has collected so far.</summary>
internal sealed class RdfYamlFrame(string path, List<KeyValuePair<string, RdfNode>>? entries, List<RdfNode>? items, AnchorName anchor)
{
    public string Path { get; } = path;

    public List<KeyValuePair<string, RdfNode>>? Entries { get; } = entries;

    public List<RdfNode>? Items { get; } = items;

    /// <summary>The keys in <see cref="Entries"/>, so that a duplicate is found without scanning them (rdfs are untrusted and may hold many).</summary>
    public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

    public AnchorName Anchor { get; } = anchor;

    public string? Key { get; set; }

    public bool ExpectsKey => Entries is not null && Key is null;
}

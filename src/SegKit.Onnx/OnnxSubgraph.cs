namespace SegKit.Onnx;

/// <summary>
/// The part of a model that some of its outputs depend on. ONNX Runtime runs every node of a graph whatever outputs are
/// asked for, so a cheap question (a Cellpose network's style, which needs only the encoder) gets a graph of its own.
/// </summary>
public static class OnnxSubgraph
{
    /// <summary>
    /// A new model with only <paramref name="outputs"/> as outputs and only the nodes, weights, inputs and value infos they
    /// need; the opsets and metadata are kept. The node and tensor objects are shared with <paramref name="model"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An output name that no node or input of the graph produces.</exception>
    public static OnnxModel Extract(OnnxModel model, IReadOnlyCollection<string> outputs)
    {
        _ = model ?? throw new ArgumentNullException(nameof(model));
        _ = outputs ?? throw new ArgumentNullException(nameof(outputs));
        if (outputs.Count == 0)
        {
            throw new ArgumentException("name at least one output to keep", nameof(outputs));
        }

        OnnxGraph graph = model.Graph;
        var producers = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (OnnxNode node in graph.Nodes)
        {
            foreach (string output in node.Outputs)
            {
                producers[output] = node;
            }
        }

        var inputNames = new HashSet<string>(graph.Inputs.Select(i => i.Name), StringComparer.Ordinal);
        var needed = new HashSet<string>(StringComparer.Ordinal);
        var keep = new HashSet<OnnxNode>();
        var pending = new Stack<string>();
        foreach (string output in outputs)
        {
            if (!producers.ContainsKey(output) && !inputNames.Contains(output))
            {
                throw new ArgumentException($"the graph has no value named '{output}'", nameof(outputs));
            }

            pending.Push(output);
        }

        while (pending.Count > 0)
        {
            string name = pending.Pop();
            if (name.Length == 0 || !needed.Add(name) || !producers.TryGetValue(name, out OnnxNode? node) || !keep.Add(node))
            {
                continue;
            }

            foreach (string input in node.Inputs)
            {
                pending.Push(input);
            }
        }

        var sub = new OnnxGraph { Name = graph.Name, DocString = graph.DocString };
        sub.Nodes.AddRange(graph.Nodes.Where(keep.Contains)); // graph order is topological; a subset of it stays so
        sub.Initializers.AddRange(graph.Initializers.Where(t => needed.Contains(t.Name)));
        sub.Inputs.AddRange(graph.Inputs.Where(i => needed.Contains(i.Name)));
        var byName = graph.Outputs.Concat(graph.ValueInfos).GroupBy(v => v.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (string output in outputs)
        {
            sub.Outputs.Add(byName.TryGetValue(output, out OnnxValueInfo? info) ? info : new OnnxValueInfo(output, OnnxElementType.Float, null));
        }

        sub.ValueInfos.AddRange(graph.ValueInfos.Where(v => needed.Contains(v.Name) && !outputs.Contains(v.Name)));
        var result = new OnnxModel(sub)
        {
            IrVersion = model.IrVersion,
            ProducerName = model.ProducerName,
            ProducerVersion = model.ProducerVersion,
            Domain = model.Domain,
            ModelVersion = model.ModelVersion,
            DocString = model.DocString,
        };
        result.OpsetImports.AddRange(model.OpsetImports);
        foreach (var entry in model.Metadata)
        {
            result.Metadata[entry.Key] = entry.Value;
        }

        return result;
    }
}

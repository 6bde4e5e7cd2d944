namespace SegKit.Onnx;

/// <summary>ModelProto: a graph with the IR version, operator sets and string metadata (metadata_props).</summary>
public sealed class OnnxModel
{
    /// <summary>IR version 8 (ONNX 1.10+) is read by every ONNX Runtime SegKit targets.</summary>
    public const long DefaultIrVersion = 8;

    /// <summary>Opset 17 has every operator the SegKit networks need (Resize 13+, LayerNormalization 17).</summary>
    public const long DefaultOpset = 17;

    public OnnxModel(OnnxGraph graph)
    {
        Graph = graph;
    }

    public long IrVersion { get; set; } = DefaultIrVersion;

    public List<OnnxOpsetImport> OpsetImports { get; } = [];

    public string ProducerName { get; set; } = "";

    public string ProducerVersion { get; set; } = "";

    public string Domain { get; set; } = "";

    public long ModelVersion { get; set; }

    public string DocString { get; set; } = "";

    public OnnxGraph Graph { get; }

    /// <summary>metadata_props, in file order; keys are unique.</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);
}

using SegKit.Onnx.Protobuf;

namespace SegKit.Onnx;

/// <summary>
/// A model's interface without its weights: inputs and outputs with their (possibly symbolic) shapes, operator
/// sets and metadata. It seeks past nodes and initializers, so its cost does not grow with the model's size;
/// pure managed code, for the MSBuild tasks and for checking a model before loading ONNX Runtime.
/// </summary>
public sealed class OnnxModelInfo
{
    private OnnxModelInfo(
        long irVersion,
        string producerName,
        string producerVersion,
        IReadOnlyList<OnnxOpsetImport> opsetImports,
        IReadOnlyList<OnnxValueInfo> inputs,
        IReadOnlyList<OnnxValueInfo> outputs,
        IReadOnlyDictionary<string, string> metadata)
    {
        IrVersion = irVersion;
        ProducerName = producerName;
        ProducerVersion = producerVersion;
        OpsetImports = opsetImports;
        Inputs = inputs;
        Outputs = outputs;
        Metadata = metadata;
    }

    public long IrVersion { get; }

    public string ProducerName { get; }

    public string ProducerVersion { get; }

    public IReadOnlyList<OnnxOpsetImport> OpsetImports { get; }

    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    public IReadOnlyList<OnnxValueInfo> Outputs { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static OnnxModelInfo Read(string path)
    {
        FileStream file;
        try
        {
            // A small buffer: the reader touches a few kilobytes and seeks over the rest.
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxFormatException(path, $"cannot read the file ({e.Message})", e);
        }
        using (file)
            return Read(file, path);
    }

    /// <param name="sourceName">Named in error messages; the file path when there is one.</param>
    public static OnnxModelInfo Read(Stream stream, string? sourceName = null)
    {
        if (stream is null)
            throw new ArgumentNullException(nameof(stream));
        try
        {
            return Model(new StreamProtoReader(stream));
        }
        catch (InvalidDataException e)
        {
            throw new OnnxFormatException(sourceName, $"not a readable ONNX model: {e.Message}", e);
        }
    }

    private static OnnxModelInfo Model(StreamProtoReader r)
    {
        long? irVersion = null;
        string producerName = "", producerVersion = "";
        var sawGraph = false;
        var opsets = new List<OnnxOpsetImport>();
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!r.AtEnd())
        {
            switch (r.ReadTag())
            {
                case OnnxFields.Model.IrVersion:
                    ExpectVarint(r);
                    irVersion = (long)r.ReadVarint();
                    break;
                case OnnxFields.Model.ProducerName: producerName = Text(r); break;
                case OnnxFields.Model.ProducerVersion: producerVersion = Text(r); break;
                case OnnxFields.Model.OpsetImport: opsets.Add(OnnxMessages.Opset(Message(r))); break;
                case OnnxFields.Model.MetadataProps: OnnxMessages.AddMetadata(metadata, OnnxMessages.StringEntry(Message(r))); break;
                case OnnxFields.Model.Graph:
                    Graph(r, inputs, outputs);
                    sawGraph = true;
                    break;
                default: r.SkipField(); break;
            }
        }
        if (irVersion is null || irVersion <= 0)
            throw new InvalidDataException("no ir_version");
        if (!sawGraph)
            throw new InvalidDataException("no graph");
        if (opsets.Count == 0)
            throw new InvalidDataException("no opset_import (required since IR version 3)");
        return new OnnxModelInfo(irVersion.Value, producerName, producerVersion, opsets, inputs, outputs, metadata);
    }

    private static void Graph(StreamProtoReader r, List<OnnxValueInfo> inputs, List<OnnxValueInfo> outputs)
    {
        var length = r.ReadLength();
        var outerEnd = r.End;
        r.End = r.Position + length;
        while (!r.AtEnd())
        {
            switch (r.ReadTag())
            {
                case OnnxFields.Graph.Input: inputs.Add(OnnxMessages.ValueInfo(Message(r))); break;
                case OnnxFields.Graph.Output: outputs.Add(OnnxMessages.ValueInfo(Message(r))); break;
                default: r.SkipField(); break;
            }
        }
        r.End = outerEnd;
    }

    private static ProtoReader Message(StreamProtoReader r) => new(r.ReadPayload());

    private static string Text(StreamProtoReader r) => System.Text.Encoding.UTF8.GetString(r.ReadPayload());

    private static void ExpectVarint(StreamProtoReader r)
    {
        if (r.WireType != 0)
            throw new InvalidDataException($"wire type {r.WireType} where 0 was expected at byte {r.Position}");
    }
}

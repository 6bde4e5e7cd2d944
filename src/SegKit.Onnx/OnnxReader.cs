using SegKit.Onnx.Protobuf;

namespace SegKit.Onnx;

/// <summary>
/// Reads a whole ONNX model, weights included, into an <see cref="OnnxModel"/>. For the interface and
/// metadata alone, <see cref="OnnxModelInfo"/> is much faster: it never loads the weights.
/// </summary>
public static class OnnxReader
{
    public static OnnxModel ReadFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxFormatException(path, $"cannot read the file ({e.Message})", e);
        }
        return Read(bytes, path);
    }

    /// <param name="sourceName">Named in error messages; the file path when there is one.</param>
    public static OnnxModel Read(Stream stream, string? sourceName = null)
    {
        if (stream is null)
            throw new ArgumentNullException(nameof(stream));
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Read(buffer.ToArray(), sourceName);
    }

    public static OnnxModel Read(byte[] bytes, string? sourceName = null)
    {
        if (bytes is null)
            throw new ArgumentNullException(nameof(bytes));
        try
        {
            return Model(new ProtoReader(bytes));
        }
        catch (InvalidDataException e)
        {
            throw new OnnxFormatException(sourceName, $"not a readable ONNX model: {e.Message}", e);
        }
    }

    private static OnnxModel Model(ProtoReader r)
    {
        OnnxGraph? graph = null;
        long? irVersion = null;
        var opsets = new List<OnnxOpsetImport>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        string producerName = "", producerVersion = "", domain = "", doc = "";
        long modelVersion = 0;
        while (!r.AtEnd)
        {
            switch (r.ReadTag())
            {
                case OnnxFields.Model.IrVersion: irVersion = OnnxMessages.Int64(r); break;
                case OnnxFields.Model.ProducerName: producerName = r.ReadString(); break;
                case OnnxFields.Model.ProducerVersion: producerVersion = r.ReadString(); break;
                case OnnxFields.Model.Domain: domain = r.ReadString(); break;
                case OnnxFields.Model.ModelVersion: modelVersion = OnnxMessages.Int64(r); break;
                case OnnxFields.Model.DocString: doc = r.ReadString(); break;
                case OnnxFields.Model.Graph: graph = Graph(r.ReadMessage()); break;
                case OnnxFields.Model.OpsetImport: opsets.Add(OnnxMessages.Opset(r.ReadMessage())); break;
                case OnnxFields.Model.MetadataProps: OnnxMessages.AddMetadata(metadata, OnnxMessages.StringEntry(r.ReadMessage())); break;
                default: r.SkipField(); break;
            }
        }
        // Random bytes often parse as a few valid fields; a model always has an IR version and a graph.
        if (irVersion is null || irVersion <= 0)
            throw new InvalidDataException("no ir_version");
        if (graph is null)
            throw new InvalidDataException("no graph");
        if (opsets.Count == 0)
            throw new InvalidDataException("no opset_import (required since IR version 3)");
        var model = new OnnxModel(graph)
        {
            IrVersion = irVersion.Value,
            ProducerName = producerName,
            ProducerVersion = producerVersion,
            Domain = domain,
            ModelVersion = modelVersion,
            DocString = doc,
        };
        model.OpsetImports.AddRange(opsets);
        foreach (var entry in metadata)
            model.Metadata.Add(entry.Key, entry.Value);
        return model;
    }

    private static OnnxGraph Graph(ProtoReader r)
    {
        var graph = new OnnxGraph();
        while (!r.AtEnd)
        {
            switch (r.ReadTag())
            {
                case OnnxFields.Graph.Node: graph.Nodes.Add(Node(r.ReadMessage())); break;
                case OnnxFields.Graph.Name: graph.Name = r.ReadString(); break;
                case OnnxFields.Graph.Initializer: graph.Initializers.Add(Tensor(r.ReadMessage())); break;
                case OnnxFields.Graph.DocString: graph.DocString = r.ReadString(); break;
                case OnnxFields.Graph.Input: graph.Inputs.Add(OnnxMessages.ValueInfo(r.ReadMessage())); break;
                case OnnxFields.Graph.Output: graph.Outputs.Add(OnnxMessages.ValueInfo(r.ReadMessage())); break;
                case OnnxFields.Graph.ValueInfo: graph.ValueInfos.Add(OnnxMessages.ValueInfo(r.ReadMessage())); break;
                default: r.SkipField(); break;
            }
        }
        return graph;
    }

    private static OnnxNode Node(ProtoReader r)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new List<OnnxAttribute>();
        string opType = "", name = "", domain = "", doc = "";
        while (!r.AtEnd)
        {
            switch (r.ReadTag())
            {
                case OnnxFields.Node.Input: inputs.Add(r.ReadString()); break;
                case OnnxFields.Node.Output: outputs.Add(r.ReadString()); break;
                case OnnxFields.Node.Name: name = r.ReadString(); break;
                case OnnxFields.Node.OpType: opType = r.ReadString(); break;
                case OnnxFields.Node.Attribute: attributes.Add(Attribute(r.ReadMessage())); break;
                case OnnxFields.Node.DocString: doc = r.ReadString(); break;
                case OnnxFields.Node.Domain: domain = r.ReadString(); break;
                default: r.SkipField(); break;
            }
        }
        var node = new OnnxNode(opType, inputs, outputs) { Name = name, Domain = domain, DocString = doc };
        node.Attributes.AddRange(attributes);
        return node;
    }

    private static OnnxAttribute Attribute(ProtoReader r)
    {
        var name = "";
        var type = OnnxAttributeType.Undefined;
        float f = 0;
        long i = 0;
        var s = "";
        OnnxTensor? t = null;
        var floats = new List<float>();
        var ints = new List<long>();
        var strings = new List<string>();
        while (!r.AtEnd)
        {
            switch (r.ReadTag())
            {
                case OnnxFields.Attribute.Name: name = r.ReadString(); break;
                case OnnxFields.Attribute.F: r.ExpectWireType(5); f = r.ReadFixed32Float(); break;
                case OnnxFields.Attribute.I: i = OnnxMessages.Int64(r); break;
                case OnnxFields.Attribute.S: s = r.ReadString(); break;
                case OnnxFields.Attribute.T: t = Tensor(r.ReadMessage()); break;
                case OnnxFields.Attribute.Floats: r.ReadFloats(floats); break;
                case OnnxFields.Attribute.Ints: r.ReadInt64s(ints); break;
                case OnnxFields.Attribute.Strings: strings.Add(r.ReadString()); break;
                case OnnxFields.Attribute.Type: type = (OnnxAttributeType)OnnxMessages.Int64(r); break;
                default: r.SkipField(); break;
            }
        }
        return type switch
        {
            OnnxAttributeType.Float => OnnxAttribute.Of(name, f),
            OnnxAttributeType.Int => OnnxAttribute.Of(name, i),
            OnnxAttributeType.String => OnnxAttribute.Of(name, s),
            OnnxAttributeType.Tensor => OnnxAttribute.Of(name, t ?? throw new InvalidDataException($"tensor attribute '{name}' has no tensor")),
            OnnxAttributeType.Floats => OnnxAttribute.Of(name, floats.ToArray()),
            OnnxAttributeType.Ints => OnnxAttribute.Of(name, ints.ToArray()),
            OnnxAttributeType.Strings => OnnxAttribute.Of(name, strings.ToArray()),
            _ => throw new InvalidDataException($"attribute '{name}' has unsupported type {(int)type}"),
        };
    }

    private static OnnxTensor Tensor(ProtoReader r)
    {
        var dims = new List<long>();
        var type = OnnxElementType.Undefined;
        var name = "";
        byte[]? raw = null;
        var floats = new List<float>();
        var int64s = new List<long>();
        var int32s = new List<long>();
        var doubles = new List<double>();
        while (!r.AtEnd)
        {
            switch (r.ReadTag())
            {
                case OnnxFields.Tensor.Dims: r.ReadInt64s(dims); break;
                case OnnxFields.Tensor.DataType: type = (OnnxElementType)OnnxMessages.Int64(r); break;
                case OnnxFields.Tensor.Name: name = r.ReadString(); break;
                case OnnxFields.Tensor.RawData: raw = r.ReadBytes(); break;
                case OnnxFields.Tensor.FloatData: r.ReadFloats(floats); break;
                case OnnxFields.Tensor.Int64Data: r.ReadInt64s(int64s); break;
                case OnnxFields.Tensor.Int32Data: r.ReadInt64s(int32s); break;
                case OnnxFields.Tensor.DoubleData: r.ReadDoubles(doubles); break;
                case OnnxFields.Tensor.DataLocation:
                    if (OnnxMessages.Int64(r) != 0)
                        throw new InvalidDataException($"tensor '{name}' keeps its data in an external file, which SegKit does not read");
                    break;
                default: r.SkipField(); break;
            }
        }
        // Exporters other than SegKit may use the typed fields instead of raw_data; held as raw bytes either way.
        raw ??= type switch
        {
            OnnxElementType.Float => Bytes(floats.ToArray(), 4),
            OnnxElementType.Int64 => Bytes(int64s.ToArray(), 8),
            OnnxElementType.Int32 => Bytes(int32s.Select(v => (int)v).ToArray(), 4),
            OnnxElementType.Double => Bytes(doubles.ToArray(), 8),
            _ => [],
        };
        // The element count is checked against the bytes present, so it must not wrap: dims of 2^62 + 1 floats would
        // otherwise claim 4 bytes and pass, and whoever trusted ElementCount later would allocate for 2^62 values.
        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0)
                throw new InvalidDataException($"tensor '{name}' has a negative dimension in [{string.Join(",", dims)}]");
            if (d > 0 && count > long.MaxValue / d)
                throw new InvalidDataException($"tensor '{name}' has dims [{string.Join(",", dims)}], more elements than any file can hold");
            count *= d;
        }
        var size = ElementSize(type);
        if (size > 0 && (count > long.MaxValue / size || raw.LongLength != count * size))
            throw new InvalidDataException($"tensor '{name}' has dims [{string.Join(",", dims)}] but {raw.Length} bytes of data");
        return new OnnxTensor(name, type, dims, raw);
    }

    private static byte[] Bytes(Array values, int elementSize)
    {
        var bytes = new byte[values.Length * elementSize];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    private static int ElementSize(OnnxElementType type) => type switch
    {
        OnnxElementType.Float or OnnxElementType.Int32 or OnnxElementType.UInt32 => 4,
        OnnxElementType.Int64 or OnnxElementType.Double or OnnxElementType.UInt64 => 8,
        OnnxElementType.UInt8 or OnnxElementType.Int8 or OnnxElementType.Bool => 1,
        OnnxElementType.UInt16 or OnnxElementType.Int16 or OnnxElementType.Float16 => 2,
        _ => 0,
    };
}

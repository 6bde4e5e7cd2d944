using SegKit.Onnx.Protobuf;

namespace SegKit.Onnx;

/// <summary>Writes an <see cref="OnnxModel"/> as an ONNX protobuf file. Output is deterministic: same model, same bytes.</summary>
public static class OnnxWriter
{
    public static void Write(Stream stream, OnnxModel model)
    {
        if (stream is null)
            throw new ArgumentNullException(nameof(stream));
        if (model is null)
            throw new ArgumentNullException(nameof(model));
        Model(model).WriteTo(stream);
    }

    public static byte[] ToBytes(OnnxModel model)
    {
        using var buffer = new MemoryStream();
        Write(buffer, model);
        return buffer.ToArray();
    }

    /// <summary>Writes to a temporary file next to <paramref name="path"/> and moves it in place, so a reader never sees half a model.</summary>
    public static void WriteFile(string path, OnnxModel model)
    {
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
                Write(file, model);
            if (File.Exists(path))
                File.Delete(path);
            File.Move(temporary, path);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    private static ProtoWriter Model(OnnxModel model)
    {
        var w = new ProtoWriter();
        w.Int64(OnnxFields.Model.IrVersion, model.IrVersion);
        w.String(OnnxFields.Model.ProducerName, model.ProducerName);
        w.String(OnnxFields.Model.ProducerVersion, model.ProducerVersion);
        w.String(OnnxFields.Model.Domain, model.Domain);
        if (model.ModelVersion != 0)
            w.Int64(OnnxFields.Model.ModelVersion, model.ModelVersion);
        w.String(OnnxFields.Model.DocString, model.DocString);
        foreach (var opset in model.OpsetImports)
        {
            var o = new ProtoWriter();
            o.String(OnnxFields.Opset.Domain, opset.Domain);
            o.Int64(OnnxFields.Opset.Version, opset.Version);
            w.Message(OnnxFields.Model.OpsetImport, o);
        }
        foreach (var entry in model.Metadata)
        {
            var e = new ProtoWriter();
            e.String(OnnxFields.StringEntry.Key, entry.Key);
            e.String(OnnxFields.StringEntry.Value, entry.Value);
            w.Message(OnnxFields.Model.MetadataProps, e);
        }
        // The graph goes last (protobuf allows any field order): metadata is then found before the weights, and
        // every strict prefix of the file lacks the graph or cuts it, so a truncated file never reads as a model.
        w.Message(OnnxFields.Model.Graph, Graph(model.Graph));
        return w;
    }

    private static ProtoWriter Graph(OnnxGraph graph)
    {
        var w = new ProtoWriter();
        foreach (var node in graph.Nodes)
            w.Message(OnnxFields.Graph.Node, Node(node));
        w.String(OnnxFields.Graph.Name, graph.Name);
        foreach (var tensor in graph.Initializers)
            w.Message(OnnxFields.Graph.Initializer, Tensor(tensor));
        w.String(OnnxFields.Graph.DocString, graph.DocString);
        foreach (var value in graph.Inputs)
            w.Message(OnnxFields.Graph.Input, ValueInfo(value));
        foreach (var value in graph.Outputs)
            w.Message(OnnxFields.Graph.Output, ValueInfo(value));
        foreach (var value in graph.ValueInfos)
            w.Message(OnnxFields.Graph.ValueInfo, ValueInfo(value));
        return w;
    }

    private static ProtoWriter Node(OnnxNode node)
    {
        var w = new ProtoWriter();
        // Repeated strings keep empty entries: an empty input name is an omitted optional input.
        foreach (var input in node.Inputs)
            w.Bytes(OnnxFields.Node.Input, System.Text.Encoding.UTF8.GetBytes(input));
        foreach (var output in node.Outputs)
            w.Bytes(OnnxFields.Node.Output, System.Text.Encoding.UTF8.GetBytes(output));
        w.String(OnnxFields.Node.Name, node.Name);
        w.String(OnnxFields.Node.OpType, node.OpType);
        foreach (var attribute in node.Attributes)
            w.Message(OnnxFields.Node.Attribute, Attribute(attribute));
        w.String(OnnxFields.Node.DocString, node.DocString);
        w.String(OnnxFields.Node.Domain, node.Domain);
        return w;
    }

    private static ProtoWriter Attribute(OnnxAttribute attribute)
    {
        var w = new ProtoWriter();
        w.String(OnnxFields.Attribute.Name, attribute.Name);
        switch (attribute.Type)
        {
            case OnnxAttributeType.Float:
                w.Float(OnnxFields.Attribute.F, attribute.Float);
                break;
            case OnnxAttributeType.Int:
                w.Int64(OnnxFields.Attribute.I, attribute.Int);
                break;
            case OnnxAttributeType.String:
                w.Bytes(OnnxFields.Attribute.S, System.Text.Encoding.UTF8.GetBytes(attribute.String));
                break;
            case OnnxAttributeType.Tensor:
                w.Message(OnnxFields.Attribute.T, Tensor(attribute.Tensor!));
                break;
            case OnnxAttributeType.Floats:
                w.PackedFloat(OnnxFields.Attribute.Floats, attribute.Floats);
                break;
            case OnnxAttributeType.Ints:
                w.PackedInt64(OnnxFields.Attribute.Ints, attribute.Ints);
                break;
            case OnnxAttributeType.Strings:
                foreach (var s in attribute.Strings)
                    w.Bytes(OnnxFields.Attribute.Strings, System.Text.Encoding.UTF8.GetBytes(s));
                break;
        }
        w.Int64(OnnxFields.Attribute.Type, (long)attribute.Type);
        return w;
    }

    private static ProtoWriter Tensor(OnnxTensor tensor)
    {
        var w = new ProtoWriter();
        w.PackedInt64(OnnxFields.Tensor.Dims, tensor.Dims);
        w.Int64(OnnxFields.Tensor.DataType, (long)tensor.ElementType);
        w.String(OnnxFields.Tensor.Name, tensor.Name);
        w.Bytes(OnnxFields.Tensor.RawData, tensor.RawData);
        return w;
    }

    private static ProtoWriter ValueInfo(OnnxValueInfo value)
    {
        var tensorType = new ProtoWriter();
        tensorType.Int64(OnnxFields.TensorType.ElemType, (long)value.ElementType);
        if (value.Shape is not null)
        {
            // An empty TensorShapeProto (rank 0, a scalar) is still written: its presence is what says "scalar".
            var shape = new ProtoWriter();
            foreach (var dim in value.Shape)
            {
                var d = new ProtoWriter();
                if (dim.Value is long size)
                    d.Int64(OnnxFields.Dimension.DimValue, size);
                else if (dim.Param is not null)
                    d.Bytes(OnnxFields.Dimension.DimParam, System.Text.Encoding.UTF8.GetBytes(dim.Param));
                shape.Message(OnnxFields.Shape.Dim, d);
            }
            tensorType.Message(OnnxFields.TensorType.Shape, shape);
        }
        var type = new ProtoWriter();
        type.Message(OnnxFields.Type.TensorType, tensorType);
        var w = new ProtoWriter();
        w.String(OnnxFields.ValueInfo.Name, value.Name);
        w.Message(OnnxFields.ValueInfo.Type, type);
        w.String(OnnxFields.ValueInfo.DocString, value.DocString);
        return w;
    }
}

using SegKit.Onnx.Protobuf;

namespace SegKit.Onnx;

/// <summary>
/// Decoders for the small onnx.proto messages shared by the full reader and the header-only
/// <see cref="OnnxModelInfo"/> reader. Unknown fields are skipped, as protobuf requires.
/// </summary>
internal static class OnnxMessages
{
    public static OnnxOpsetImport Opset(ProtoReader r)
    {
        var domain = "";
        long version = 0;
        while (!r.AtEnd)
        {
            switch (r.ReadTag())
            {
                case OnnxFields.Opset.Domain: domain = r.ReadString(); break;
                case OnnxFields.Opset.Version: version = Int64(r); break;
                default: r.SkipField(); break;
            }
        }
        return new OnnxOpsetImport(domain, version);
    }

    public static KeyValuePair<string, string> StringEntry(ProtoReader r)
    {
        string key = "", value = "";
        while (!r.AtEnd)
        {
            switch (r.ReadTag())
            {
                case OnnxFields.StringEntry.Key: key = r.ReadString(); break;
                case OnnxFields.StringEntry.Value: value = r.ReadString(); break;
                default: r.SkipField(); break;
            }
        }
        return new KeyValuePair<string, string>(key, value);
    }

    public static void AddMetadata(Dictionary<string, string> metadata, KeyValuePair<string, string> entry)
    {
        if (metadata.ContainsKey(entry.Key))
            throw new InvalidDataException($"metadata key '{entry.Key}' appears twice");
        metadata.Add(entry.Key, entry.Value);
    }

    public static OnnxValueInfo ValueInfo(ProtoReader r)
    {
        var name = "";
        string? doc = null;
        var elementType = OnnxElementType.Undefined;
        List<OnnxDimension>? shape = null;
        while (!r.AtEnd)
        {
            switch (r.ReadTag())
            {
                case OnnxFields.ValueInfo.Name: name = r.ReadString(); break;
                case OnnxFields.ValueInfo.DocString: doc = r.ReadString(); break;
                case OnnxFields.ValueInfo.Type: TypeProto(r.ReadMessage(), ref elementType, ref shape); break;
                default: r.SkipField(); break;
            }
        }
        return new OnnxValueInfo(name, elementType, shape) { DocString = doc };
    }

    public static long Int64(ProtoReader r)
    {
        r.ExpectWireType(0);
        return r.ReadInt64();
    }

    private static void TypeProto(ProtoReader r, ref OnnxElementType elementType, ref List<OnnxDimension>? shape)
    {
        while (!r.AtEnd)
        {
            if (r.ReadTag() != OnnxFields.Type.TensorType)
            {
                // Sequence, map and optional types are not tensors; SegKit models have none, so they read as untyped.
                r.SkipField();
                continue;
            }
            var tensor = r.ReadMessage();
            while (!tensor.AtEnd)
            {
                switch (tensor.ReadTag())
                {
                    case OnnxFields.TensorType.ElemType: elementType = (OnnxElementType)Int64(tensor); break;
                    case OnnxFields.TensorType.Shape: shape = Shape(tensor.ReadMessage()); break;
                    default: tensor.SkipField(); break;
                }
            }
        }
    }

    private static List<OnnxDimension> Shape(ProtoReader r)
    {
        var dims = new List<OnnxDimension>();
        while (!r.AtEnd)
        {
            if (r.ReadTag() != OnnxFields.Shape.Dim)
            {
                r.SkipField();
                continue;
            }
            var d = r.ReadMessage();
            var dim = OnnxDimension.Unknown;
            while (!d.AtEnd)
            {
                switch (d.ReadTag())
                {
                    case OnnxFields.Dimension.DimValue: dim = Int64(d); break;
                    case OnnxFields.Dimension.DimParam: dim = d.ReadString(); break;
                    default: d.SkipField(); break;
                }
            }
            dims.Add(dim);
        }
        return dims;
    }
}

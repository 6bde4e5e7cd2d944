namespace SegKit.Onnx.Tests;

public sealed class OnnxRoundTripTests
{
    [Fact]
    public void Every_field_survives_write_then_read()
    {
        var written = SampleModels.EveryField();
        var read = OnnxReader.Read(OnnxWriter.ToBytes(written));

        Assert.Equal(OnnxModel.DefaultIrVersion, read.IrVersion);
        Assert.Equal(("SegKit", "0.1", "org.segkit", 42L, "model doc"), (read.ProducerName, read.ProducerVersion, read.Domain, read.ModelVersion, read.DocString));
        Assert.Equal([new OnnxOpsetImport("", 17), new OnnxOpsetImport("ai.segkit", 1)], read.OpsetImports);
        Assert.Equal(written.Metadata.ToList(), read.Metadata.ToList());

        var g = read.Graph;
        Assert.Equal(("every-field", "graph doc"), (g.Name, g.DocString));
        AssertValueInfos(written.Graph.Inputs, g.Inputs);
        AssertValueInfos(written.Graph.Outputs, g.Outputs);
        AssertValueInfos(written.Graph.ValueInfos, g.ValueInfos);
        Assert.Null(g.Outputs[0].Shape);
        Assert.Empty(g.Inputs[1].Shape!);
        Assert.Equal(new OnnxDimension(null, null), g.Inputs[0].Shape![2]);

        Assert.Equal(2, g.Initializers.Count);
        Assert.Equal(["w", "shape"], g.Initializers.Select(t => t.Name));
        Assert.Equal([2L, 3L], g.Initializers[0].Dims);
        Assert.Equal(written.Graph.Initializers[0].ToFloats(), g.Initializers[0].ToFloats());
        Assert.True(BitConverter.SingleToInt32Bits(g.Initializers[0].ToFloats()[4]) < 0, "-0 keeps its sign bit");
        Assert.Equal([long.MinValue, -1, long.MaxValue], g.Initializers[1].ToInt64s());

        Assert.Equal(2, g.Nodes.Count);
        var resize = g.Nodes[0];
        Assert.Equal(("Resize", "up", "", "node doc"), (resize.OpType, resize.Name, resize.Domain, resize.DocString));
        Assert.Equal(["x", "", "w"], resize.Inputs);
        Assert.Equal(["hidden"], resize.Outputs);
        Assert.Equal(["mode", "alpha", "axis", "pads", "scales", "names", "value"], resize.Attributes.Select(a => a.Name));
        Assert.Equal("nearest", resize.Attributes[0].String);
        Assert.Equal(-0.75f, resize.Attributes[1].Float);
        Assert.Equal(-3L, resize.Attributes[2].Int);
        Assert.Equal([1L, 0L, -1L, 300L], resize.Attributes[3].Ints);
        Assert.Equal([2f, 0.5f], resize.Attributes[4].Floats);
        Assert.Equal(["a", "", "ü"], resize.Attributes[5].Strings);
        Assert.Equal([4f], resize.Attributes[6].Tensor!.ToFloats());
        Assert.Equal("c", resize.Attributes[6].Tensor!.Name);
        Assert.Equal(
            [OnnxAttributeType.String, OnnxAttributeType.Float, OnnxAttributeType.Int, OnnxAttributeType.Ints, OnnxAttributeType.Floats, OnnxAttributeType.Strings, OnnxAttributeType.Tensor],
            resize.Attributes.Select(a => a.Type));
        Assert.Equal(("Custom", "ai.segkit"), (g.Nodes[1].OpType, g.Nodes[1].Domain));
        Assert.Equal(["hidden", "scalar"], g.Nodes[1].Inputs);
    }

    [Fact]
    public void Writing_what_was_read_gives_the_same_bytes()
    {
        var bytes = OnnxWriter.ToBytes(SampleModels.EveryField());

        Assert.Equal(bytes, OnnxWriter.ToBytes(OnnxReader.Read(bytes)));
    }

    [Fact]
    public void WriteFile_then_ReadFile_round_trips_and_leaves_no_temporary_file()
    {
        var path = SampleModels.TempPath("model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "old content to replace");

        OnnxWriter.WriteFile(path, SampleModels.EveryField());

        Assert.Equal(OnnxWriter.ToBytes(SampleModels.EveryField()), OnnxWriter.ToBytes(OnnxReader.ReadFile(path)));
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Reader_accepts_typed_float_data_and_unpacked_repeated_fields_as_other_exporters_write_them()
    {
        // TensorProto { dims: 2 (unpacked), data_type: FLOAT, float_data: [1.5, -2] packed, name: "t" } inside a minimal model.
        byte[] tensor = [0x08, 0x02, 0x10, 0x01, 0x22, 0x08, .. BitConverter.GetBytes(1.5f), .. BitConverter.GetBytes(-2f), 0x42, 0x01, (byte)'t'];
        byte[] graph = [0x2A, (byte)tensor.Length, .. tensor];
        byte[] opset = [0x42, 0x02, 0x10, 0x11];
        byte[] model = [0x08, 0x08, .. opset, 0x3A, (byte)graph.Length, .. graph];

        var read = OnnxReader.Read(model);

        Assert.Equal([1.5f, -2f], read.Graph.Initializers[0].ToFloats());
        Assert.Equal([2L], read.Graph.Initializers[0].Dims);
        Assert.Equal(17, read.OpsetImports[0].Version);
    }

    private static void AssertValueInfos(IReadOnlyList<OnnxValueInfo> expected, IReadOnlyList<OnnxValueInfo> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Name, actual[i].Name);
            Assert.Equal(expected[i].ElementType, actual[i].ElementType);
            Assert.Equal(expected[i].DocString, actual[i].DocString);
            if (expected[i].Shape is null)
                Assert.Null(actual[i].Shape);
            else
                Assert.Equal(expected[i].Shape!, actual[i].Shape!);
        }
    }
}

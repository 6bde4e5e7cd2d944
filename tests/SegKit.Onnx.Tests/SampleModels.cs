namespace SegKit.Onnx.Tests;

/// <summary>Models the tests build, and a scratch folder for files.</summary>
internal static class SampleModels
{
    /// <summary>A model using every field the writer knows, so a round trip checks them all.</summary>
    public static OnnxModel EveryField()
    {
        var graph = new OnnxGraph { Name = "every-field", DocString = "graph doc" };
        graph.Inputs.Add(new OnnxValueInfo("x", OnnxElementType.Float, ["N", 2, OnnxDimension.Unknown, 64]) { DocString = "image" });
        graph.Inputs.Add(new OnnxValueInfo("scalar", OnnxElementType.Int64, []));
        graph.Outputs.Add(new OnnxValueInfo("y", OnnxElementType.Float, null));
        graph.ValueInfos.Add(new OnnxValueInfo("hidden", OnnxElementType.Double, [3, "H"]));
        graph.Initializers.Add(OnnxTensor.FromFloats("w", [1.5f, -2.25f, float.MaxValue, 0f, -0f, 1e-30f], 2, 3));
        graph.Initializers.Add(OnnxTensor.FromInt64s("shape", [long.MinValue, -1, long.MaxValue], 3));
        var resize = new OnnxNode("Resize", ["x", "", "w"], ["hidden"]) { Name = "up", DocString = "node doc" };
        resize.Attributes.Add(OnnxAttribute.Of("mode", "nearest"));
        resize.Attributes.Add(OnnxAttribute.Of("alpha", -0.75f));
        resize.Attributes.Add(OnnxAttribute.Of("axis", -3L));
        resize.Attributes.Add(OnnxAttribute.Of("pads", 1L, 0L, -1L, 300L));
        resize.Attributes.Add(OnnxAttribute.Of("scales", 2f, 0.5f));
        resize.Attributes.Add(OnnxAttribute.Of("names", "a", "", "ü"));
        resize.Attributes.Add(OnnxAttribute.Of("value", OnnxTensor.FromFloats("c", [4f], 1)));
        graph.Nodes.Add(resize);
        graph.Nodes.Add(new OnnxNode("Custom", ["hidden", "scalar"], ["y"]) { Domain = "ai.segkit" });
        var model = new OnnxModel(graph)
        {
            ProducerName = "SegKit",
            ProducerVersion = "0.1",
            Domain = "org.segkit",
            ModelVersion = 42,
            DocString = "model doc",
        };
        model.OpsetImports.Add(new OnnxOpsetImport("", 17));
        model.OpsetImports.Add(new OnnxOpsetImport("ai.segkit", 1));
        model.Metadata["b"] = "second";
        model.Metadata["a"] = "first ∂";
        model.Metadata["empty"] = "";
        return model;
    }

    public static ModelCard CellposeCard() => new()
    {
        Kind = SegmentationModelKind.Cellpose,
        InputChannels = ["cytoplasm", "nucleus"],
        LowPercentile = 1,
        HighPercentile = 99,
        Diameter = 30,
        TileSize = 224,
        Halo = 16,
        TrainingData = "cellpose cyto3 training set (shared/data/cyto)",
        TrainingSteps = 12_345,
        TrainedAt = new DateTimeOffset(2026, 11, 24, 15, 30, 7, 123, TimeSpan.FromHours(1)),
        ValidationMetrics = new Dictionary<string, double> { ["ap@0.5"] = 0.8125, ["ap@0.75"] = 0.1 + 0.2 },
        SegKitVersion = "0.1.0+abc",
    };

    public static string TempPath(string name) =>
        Path.Combine(Path.GetTempPath(), "segkit-onnx-tests", Guid.NewGuid().ToString("N"), name);

    public static string WriteTemp(string name, byte[] bytes)
    {
        var path = TempPath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}

using SegKit.Onnx;
using static TorchSharp.torch;

namespace SegKit.Export;

/// <summary>
/// Emits ONNX nodes for the layers SegKit's networks are made of, taking weights from a TorchSharp state dict by name.
/// Names of intermediate values are generated; weights keep their state-dict names, so a file can be mapped back.
/// </summary>
internal sealed class OnnxGraphWriter(GraphBuilder graph, IReadOnlyDictionary<string, Tensor> state)
{
    private const float BatchNormEpsilon = 1e-5f;
    private int _counter;
    private string? _upsampleScales;
    private string? _styleAxes;
    private string? _sumAxes;

    public string Fresh(string hint) => $"{hint}_{_counter++}";

    public string Weight(string name)
    {
        if (!state.TryGetValue(name, out Tensor? tensor))
        {
            throw new NotSupportedException($"the model has no parameter '{name}': its layout is not the one the exporter knows");
        }

        float[] data = tensor.to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        return graph.Initializer(name, data, tensor.shape);
    }

    public string Conv(string x, string prefix, long kernel, long padding)
    {
        long[] pads = [padding, padding, padding, padding];
        var inputs = state.ContainsKey($"{prefix}.bias") ? new[] { x, Weight($"{prefix}.weight"), Weight($"{prefix}.bias") } : [x, Weight($"{prefix}.weight")];
        return graph.Node("Conv", inputs, Fresh("conv"), OnnxAttribute.Of("kernel_shape", kernel, kernel), OnnxAttribute.Of("pads", pads), OnnxAttribute.Of("strides", 1L, 1L));
    }

    public string ConvTranspose2x2(string x, string prefix) =>
        graph.Node("ConvTranspose", [x, Weight($"{prefix}.weight"), Weight($"{prefix}.bias")], Fresh("upconv"), OnnxAttribute.Of("kernel_shape", 2L, 2L), OnnxAttribute.Of("strides", 2L, 2L));

    /// <summary>Batch norm in evaluation mode (running statistics).</summary>
    public string BatchNorm(string x, string prefix) =>
        graph.Node("BatchNormalization", [x, Weight($"{prefix}.weight"), Weight($"{prefix}.bias"), Weight($"{prefix}.running_mean"), Weight($"{prefix}.running_var")], Fresh("bn"), OnnxAttribute.Of("epsilon", BatchNormEpsilon));

    public string Relu(string x) => graph.Node("Relu", [x], Fresh("relu"));

    public string Add(string a, string b) => graph.Node("Add", [a, b], Fresh("add"));

    public string MaxPool2x2(string x) => graph.Node("MaxPool", [x], Fresh("pool"), OnnxAttribute.Of("kernel_shape", 2L, 2L), OnnxAttribute.Of("strides", 2L, 2L));

    /// <summary>Nearest 2x upsampling as torch computes it (asymmetric coordinates, floor).</summary>
    public string UpsampleNearest2x(string x)
    {
        _upsampleScales ??= graph.Initializer("const_scales_2x", [1f, 1f, 2f, 2f], 4);
        return graph.Node("Resize", [x, string.Empty, _upsampleScales], Fresh("up"),
            OnnxAttribute.Of("mode", "nearest"), OnnxAttribute.Of("coordinate_transformation_mode", "asymmetric"), OnnxAttribute.Of("nearest_mode", "floor"));
    }

    /// <summary>y = x W^T + b for a [N, in] input (torch's Linear).</summary>
    public string Linear(string x, string prefix) =>
        graph.Node("Gemm", [x, Weight($"{prefix}.weight"), Weight($"{prefix}.bias")], Fresh("linear"), OnnxAttribute.Of("transB", 1L));

    /// <summary>Global average over H and W, flattened to [N, C], divided by its L2 norm.</summary>
    public string L2NormalisedGlobalAverage(string x)
    {
        string pooled = graph.Node("Flatten", [graph.Node("GlobalAveragePool", [x], Fresh("gap"))], Fresh("flat"), OnnxAttribute.Of("axis", 1L));
        _sumAxes ??= graph.Initializer("const_axis_1", [1L], 1);
        string squares = graph.Node("Mul", [pooled, pooled], Fresh("sq"));
        string norm = graph.Node("Sqrt", [graph.Node("ReduceSum", [squares, _sumAxes], Fresh("sum"), OnnxAttribute.Of("keepdims", 1L))], Fresh("norm"));
        return graph.Node("Div", [pooled, norm], Fresh("style"));
    }

    /// <summary>[N, C] -> [N, C, 1, 1], to add per-channel values to a feature map.</summary>
    public string AsChannelMap(string x)
    {
        _styleAxes ??= graph.Initializer("const_axes_2_3", [2L, 3L], 2);
        return graph.Node("Unsqueeze", [x, _styleAxes], Fresh("map"));
    }
}

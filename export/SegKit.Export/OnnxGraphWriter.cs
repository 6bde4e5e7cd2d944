using SegKit.Onnx;
using static TorchSharp.torch;

namespace SegKit.Export;

/// <summary>
/// Emits ONNX nodes for the layers SegKit's networks are made of, taking weights from a TorchSharp state dict by name.
/// Names of intermediate values are generated; weights keep their state-dict names, so a file can be mapped back
/// (<see cref="OnnxWeightImporter"/>). Constants the graph needs are named "const_*", never a state-dict name.
/// </summary>
internal sealed class OnnxGraphWriter(GraphBuilder graph, IReadOnlyDictionary<string, Tensor> state)
{
    /// <summary>Prefix of the initializers that are graph constants rather than weights.</summary>
    public const string ConstantPrefix = "const_";

    private const float BatchNormEpsilon = 1e-5f;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _constants = new(StringComparer.Ordinal);
    private int _counter;

    public string Fresh(string hint) => $"{hint}_{_counter++}";

    public bool Has(string name) => state.ContainsKey(name);

    public string Weight(string name)
    {
        if (!state.TryGetValue(name, out Tensor? tensor))
        {
            throw new NotSupportedException($"the model has no parameter '{name}': its layout is not the one the exporter knows");
        }

        if (!_used.Add(name))
        {
            return name;
        }

        float[] data = tensor.to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        return graph.Initializer(name, data, tensor.shape);
    }

    /// <summary>
    /// Fails when the model holds weights the graph does not use: a layer the exporter does not know would otherwise be
    /// dropped silently. Batch-norm step counters are not weights.
    /// </summary>
    public void EnsureEveryWeightUsed(string network)
    {
        string[] unused = state.Keys.Where(k => !_used.Contains(k) && !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToArray();
        if (unused.Length > 0)
        {
            throw new NotSupportedException($"the {network} has parameters the exporter does not know how to use: {string.Join(", ", unused.Take(5))}{(unused.Length > 5 ? ", ..." : "")}");
        }
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

    /// <summary>Joins along the channel axis, <paramref name="first"/>'s channels first (torch.cat(..., 1)).</summary>
    public string ConcatChannels(string first, string second) => graph.Node("Concat", [first, second], Fresh("cat"), OnnxAttribute.Of("axis", 1L));

    public string MaxPool2x2(string x) => graph.Node("MaxPool", [x], Fresh("pool"), OnnxAttribute.Of("kernel_shape", 2L, 2L), OnnxAttribute.Of("strides", 2L, 2L));

    /// <summary>Nearest 2x upsampling as torch computes it (asymmetric coordinates, floor).</summary>
    public string UpsampleNearest2x(string x) =>
        graph.Node("Resize", [x, string.Empty, FloatConstant("const_scales_2x", [1f, 1f, 2f, 2f])], Fresh("up"),
            OnnxAttribute.Of("mode", "nearest"), OnnxAttribute.Of("coordinate_transformation_mode", "asymmetric"), OnnxAttribute.Of("nearest_mode", "floor"));

    /// <summary>Bilinear 2x upsampling as torch computes it without align_corners (half-pixel centres).</summary>
    public string UpsampleBilinear2x(string x) =>
        graph.Node("Resize", [x, string.Empty, FloatConstant("const_scales_2x", [1f, 1f, 2f, 2f])], Fresh("up"),
            OnnxAttribute.Of("mode", "linear"), OnnxAttribute.Of("coordinate_transformation_mode", "half_pixel"));

    /// <summary>
    /// Resizes <paramref name="x"/> to the height and width of <paramref name="like"/>, known only at run time
    /// (torch's interpolate with a size): nearest (asymmetric, floor) or bilinear (half-pixel).
    /// </summary>
    public string ResizeTo(string x, string like, bool bilinear)
    {
        string sizes = graph.Node("Concat", [Shape(x, 0, 2), Shape(like, 2, 4)], Fresh("sizes"), OnnxAttribute.Of("axis", 0L));
        OnnxAttribute[] attributes = bilinear
            ? [OnnxAttribute.Of("mode", "linear"), OnnxAttribute.Of("coordinate_transformation_mode", "half_pixel")]
            : [OnnxAttribute.Of("mode", "nearest"), OnnxAttribute.Of("coordinate_transformation_mode", "asymmetric"), OnnxAttribute.Of("nearest_mode", "floor")];
        return graph.Node("Resize", [x, string.Empty, string.Empty, sizes], Fresh("resize"), attributes);
    }

    /// <summary>Zero-pads <paramref name="x"/> at the bottom and right up to the height and width of <paramref name="like"/>.</summary>
    public string PadBottomRightTo(string x, string like)
    {
        string missing = graph.Node("Sub", [Shape(like, 2, 4), Shape(x, 2, 4)], Fresh("missing"));
        string pads = graph.Node("Concat", [IntConstant("const_zeros_6", [0, 0, 0, 0, 0, 0]), missing], Fresh("pads"), OnnxAttribute.Of("axis", 0L));
        return graph.Node("Pad", [x, pads], Fresh("pad"), OnnxAttribute.Of("mode", "constant"));
    }

    /// <summary>The centre of <paramref name="x"/> at the height and width of <paramref name="like"/>, the extra split
    /// as top = (H - h) / 2 rounded down (the U-Net paper's crop, as torch's narrow computes it).</summary>
    public string CentreCropTo(string x, string like)
    {
        string size = Shape(like, 2, 4);
        string extra = graph.Node("Sub", [Shape(x, 2, 4), size], Fresh("extra"));
        string starts = graph.Node("Div", [extra, IntConstant("const_two", [2])], Fresh("starts"));
        string ends = graph.Node("Add", [starts, size], Fresh("ends"));
        return graph.Node("Slice", [x, starts, ends, IntConstant("const_axes_2_3", [2, 3])], Fresh("crop"));
    }

    /// <summary>y = x W^T + b for a [N, in] input (torch's Linear).</summary>
    public string Linear(string x, string prefix) =>
        graph.Node("Gemm", [x, Weight($"{prefix}.weight"), Weight($"{prefix}.bias")], Fresh("linear"), OnnxAttribute.Of("transB", 1L));

    /// <summary>Global average over H and W, flattened to [N, C], divided by its L2 norm.</summary>
    public string L2NormalisedGlobalAverage(string x)
    {
        string pooled = graph.Node("Flatten", [graph.Node("GlobalAveragePool", [x], Fresh("gap"))], Fresh("flat"), OnnxAttribute.Of("axis", 1L));
        string squares = graph.Node("Mul", [pooled, pooled], Fresh("sq"));
        string norm = graph.Node("Sqrt", [graph.Node("ReduceSum", [squares, IntConstant("const_axis_1", [1])], Fresh("sum"), OnnxAttribute.Of("keepdims", 1L))], Fresh("norm"));
        return graph.Node("Div", [pooled, norm], Fresh("style"));
    }

    /// <summary>[N, C] -> [N, C, 1, 1], to add per-channel values to a feature map.</summary>
    public string AsChannelMap(string x) => graph.Node("Unsqueeze", [x, IntConstant("const_axes_2_3", [2, 3])], Fresh("map"));

    /// <summary>Dimensions [start, end) of a value's shape at run time (int64).</summary>
    private string Shape(string x, long start, long end) =>
        graph.Node("Shape", [x], Fresh("shape"), OnnxAttribute.Of("start", start), OnnxAttribute.Of("end", end));

    private string IntConstant(string name, long[] values)
    {
        if (!_constants.TryGetValue(name, out string? value))
        {
            _constants[name] = value = graph.Initializer(name, values, values.Length);
        }

        return value;
    }

    private string FloatConstant(string name, float[] values)
    {
        if (!_constants.TryGetValue(name, out string? value))
        {
            _constants[name] = value = graph.Initializer(name, values, values.Length);
        }

        return value;
    }
}

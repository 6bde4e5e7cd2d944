using System.Globalization;
using SegKit.Core.Transforms;

namespace SegKit.Interop.BioImageIo;

/// <summary>
/// One pre- or postprocessing step of an rdf (spec 0.5 ids and kwargs; 0.4's names and per_sample/fixed modes read into
/// the same form) and how it transforms a float tensor, as bioimage.io's reference implementation does: statistics
/// over the named axes, separately for every index of the others, and eps added to the divisor.
/// </summary>
public sealed record BioImageProcessingStep
{
    /// <summary>The steps SegKit can compute (for the test tensors).</summary>
    public static IReadOnlyList<string> Supported { get; } =
        ["ensure_dtype", "scale_range", "zero_mean_unit_variance", "fixed_zero_mean_unit_variance", "scale_linear", "clip", "sigmoid", "binarize"];

    public required string Id { get; init; }

    /// <summary>Axes the statistics are taken over (scale_range, zero_mean_unit_variance); null means all of them.</summary>
    public IReadOnlyList<string>? Axes { get; init; }

    /// <summary>The one axis that per-index parameters run along (scale_linear, fixed_zero_mean_unit_variance, binarize).</summary>
    public string? Axis { get; init; }

    /// <summary>scale_range's percentiles.</summary>
    public double MinPercentile { get; init; }

    public double MaxPercentile { get; init; } = 100;

    public double Eps { get; init; } = 1e-6;

    /// <summary>scale_linear's gain and offset, fixed_zero_mean_unit_variance's mean and std, binarize's threshold, clip's min and max; one value or one per index along <see cref="Axis"/>.</summary>
    public IReadOnlyList<double> A { get; init; } = [];

    public IReadOnlyList<double> B { get; init; } = [];

    /// <summary>ensure_dtype's dtype.</summary>
    public string? DType { get; init; }

    /// <summary>Where the step stands in the rdf, for messages ("inputs[0].preprocessing[1]").</summary>
    public string Where { get; init; } = "";

    /// <summary>Applies the step in place to <paramref name="data"/> (C order, <paramref name="shape"/>, axes named by <paramref name="axisIds"/>).</summary>
    /// <returns>Null when applied, else why it cannot be (an unsupported step or dtype, an unknown axis, a tensor whose rank or size is not what its axes and shape say).</returns>
    public string? Apply(float[] data, IReadOnlyList<int> shape, IReadOnlyList<string> axisIds)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(axisIds);

        // Shapes come from files (an ONNX output, a .npy): a mismatch with the rdf's axes is the package's fault, not an index bug.
        if (shape.Count != axisIds.Count)
        {
            return $"{Id} is given a tensor of {shape.Count} dimensions [{string.Join(", ", shape)}] but the rdf names {axisIds.Count} axes ({string.Join(", ", axisIds)})";
        }

        long elements = 1;
        foreach (int size in shape)
        {
            elements = size < 0 || elements > int.MaxValue ? -1 : elements * size;
        }

        if (elements != data.Length)
        {
            return $"{Id} is given {data.Length} values for a tensor of shape [{string.Join(", ", shape)}]";
        }

        switch (Id)
        {
            case "ensure_dtype":
                return DType is "float32" or "float64" ? null : $"ensure_dtype to {UntrustedText.Quote(DType ?? "?")} is not supported (SegKit computes in float32)";
            case "scale_range":
                return ForEachGroup(data, shape, axisIds, values =>
                {
                    float[] copy = values.ToArray();
                    double low = Normalization.Percentile(copy, MinPercentile);
                    double high = Normalization.Percentile(copy, MaxPercentile);
                    return (low, high - low + Eps);
                });
            case "zero_mean_unit_variance":
                return ForEachGroup(data, shape, axisIds, values =>
                {
                    double mean = values.Average(v => (double)v);
                    double variance = values.Average(v => ((double)v - mean) * ((double)v - mean));
                    return (mean, Math.Sqrt(variance) + Eps);
                });
            case "fixed_zero_mean_unit_variance":
                return AlongAxis(data, shape, axisIds, (v, i) => (v - Pick(A, i)) / (Pick(B, i) + Eps));
            case "scale_linear":
                return AlongAxis(data, shape, axisIds, (v, i) => (v * Pick(A, i)) + Pick(B, i));
            case "clip":
                return AlongAxis(data, shape, axisIds, (v, i) => Math.Clamp(v, Pick(A, i), Pick(B, i)));
            case "sigmoid":
                return AlongAxis(data, shape, axisIds, (v, _) => 1 / (1 + Math.Exp(-v)));
            case "binarize":
                return AlongAxis(data, shape, axisIds, (v, i) => v > Pick(A, i) ? 1 : 0);
            default:
                return $"'{UntrustedText.Quote(Id)}' is not a processing step SegKit knows (it knows {string.Join(", ", Supported)})";
        }
    }

    private static double Pick(IReadOnlyList<double> values, int index) => values.Count == 1 ? values[0] : values[index];

    /// <summary>(x - subtract) / divide, with subtract and divide computed from each group of values that share the indices of the axes not reduced over.</summary>
    private string? ForEachGroup(float[] data, IReadOnlyList<int> shape, IReadOnlyList<string> axisIds, Func<List<float>, (double Subtract, double Divide)> statistics)
    {
        bool[] reduced = new bool[shape.Count];
        foreach (string axis in Axes ?? axisIds)
        {
            int at = IndexOf(axisIds, axis);
            if (at < 0)
            {
                return $"{Id} reduces over axis '{UntrustedText.Quote(axis)}', which the tensor (axes {string.Join(", ", axisIds)}) does not have";
            }

            reduced[at] = true;
        }

        int[] group = GroupOf(shape, reduced, out int groups);
        var members = new List<float>[groups];
        for (int g = 0; g < groups; g++)
        {
            members[g] = [];
        }

        for (int i = 0; i < data.Length; i++)
        {
            members[group[i]].Add(data[i]);
        }

        var stats = members.Select(m => m.Count == 0 ? (0.0, 1.0) : statistics(m)).ToArray();
        for (int i = 0; i < data.Length; i++)
        {
            var (subtract, divide) = stats[group[i]];
            data[i] = (float)((data[i] - subtract) / divide);
        }

        return null;
    }

    /// <summary>Applies <paramref name="map"/>(value, index along <see cref="Axis"/>) to every element; parameters must be one value or one per index.</summary>
    private string? AlongAxis(float[] data, IReadOnlyList<int> shape, IReadOnlyList<string> axisIds, Func<double, int, double> map)
    {
        int along = Axis is null ? -1 : IndexOf(axisIds, Axis);
        if (Axis is not null && along < 0)
        {
            return $"{Id} runs along axis '{UntrustedText.Quote(Axis)}', which the tensor (axes {string.Join(", ", axisIds)}) does not have";
        }

        int count = along < 0 ? 1 : shape[along];
        foreach (var values in new[] { A, B })
        {
            if (values.Count > 1 && values.Count != count)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{Id} has {values.Count} values for {count} indices along '{Axis}'");
            }
        }

        int inner = 1;
        for (int d = along + 1; d < shape.Count && along >= 0; d++)
        {
            inner *= shape[d];
        }

        for (int i = 0; i < data.Length; i++)
        {
            int index = along < 0 ? 0 : i / inner % count;
            data[i] = (float)map(data[i], index);
        }

        return null;
    }

    private static int IndexOf(IReadOnlyList<string> axisIds, string axis)
    {
        for (int i = 0; i < axisIds.Count; i++)
        {
            if (axisIds[i] == axis)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>For every element, the number of its group: elements share a group when they agree on every axis not reduced over.</summary>
    private static int[] GroupOf(IReadOnlyList<int> shape, bool[] reduced, out int groups)
    {
        int total = 1;
        foreach (int d in shape)
        {
            total *= d;
        }

        groups = 1;
        for (int d = 0; d < shape.Count; d++)
        {
            groups *= reduced[d] ? 1 : shape[d];
        }

        var group = new int[total];
        var index = new int[shape.Count];
        for (int i = 0; i < total; i++)
        {
            int g = 0;
            for (int d = 0; d < shape.Count; d++)
            {
                if (!reduced[d])
                {
                    g = (g * shape[d]) + index[d];
                }
            }

            group[i] = g;
            for (int d = shape.Count - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d])
                {
                    break;
                }

                index[d] = 0;
            }
        }

        return group;
    }
}

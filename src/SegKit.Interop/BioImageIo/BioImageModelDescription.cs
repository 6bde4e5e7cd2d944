using System.Globalization;

namespace SegKit.Interop.BioImageIo;

/// <summary>
/// What SegKit reads from a bioimage.io model rdf: model spec 0.5 (format_version 0.5.x; axes as a list of typed entries,
/// processing steps by "id") and 0.4 (axes as letters such as "bcyx", steps by "name" with a "mode"), reduced to one form.
/// Fields SegKit does not use are left alone; fields it uses are checked and refused naming the field.
/// </summary>
public sealed record BioImageModelDescription
{
    public required string FormatVersion { get; init; }

    public required string Name { get; init; }

    public string Description { get; init; } = "";

    public string License { get; init; } = "";

    public required IReadOnlyList<BioImageTensorDescription> Inputs { get; init; }

    public required IReadOnlyList<BioImageTensorDescription> Outputs { get; init; }

    /// <summary>The weight formats the rdf lists (onnx, pytorch_state_dict, torchscript, ...).</summary>
    public IReadOnlyList<string> WeightFormats { get; init; } = [];

    /// <summary>weights.onnx.source; null when the package has no ONNX weights.</summary>
    public string? OnnxSource { get; init; }

    public string? OnnxSha256 { get; init; }

    public int? OnnxOpsetVersion { get; init; }

    /// <summary>The tolerance for the test outputs of the ONNX weights (the rdf's, else <see cref="BioImageTolerance.Default"/>).</summary>
    public BioImageTolerance Tolerance { get; init; } = BioImageTolerance.Default;

    /// <summary>Whether <see cref="Tolerance"/> came from the rdf.</summary>
    public bool ToleranceFromRdf { get; init; }

    /// <summary>config.segkit, where SegKit wrote its model card's data; null in packages from elsewhere.</summary>
    public RdfNode? SegKitConfig { get; init; }

    /// <exception cref="ModelFileException">Not a model rdf, a format version SegKit does not read, or a field it needs missing or malformed.</exception>
    public static BioImageModelDescription Parse(RdfNode rdf)
    {
        ArgumentNullException.ThrowIfNull(rdf);
        string type = rdf.OptionalText("type") ?? "model";
        if (type != "model")
        {
            throw rdf.Fail($"describes a '{UntrustedText.Quote(type)}', not a model (type: model)");
        }

        string version = rdf.Text("format_version");
        bool v05 = version.StartsWith("0.5.", StringComparison.Ordinal) || version == "0.5";
        bool v04 = version.StartsWith("0.4.", StringComparison.Ordinal);
        if (!v05 && !v04)
        {
            throw rdf.Required("format_version").Fail($"is {UntrustedText.Quote(version)}; SegKit reads model spec 0.5 (and 0.4)");
        }

        var inputs = rdf.List("inputs").Select((t, i) => Tensor(t, v05, input: true, $"inputs[{i}]")).ToArray();
        var outputs = rdf.List("outputs").Select((t, i) => Tensor(t, v05, input: false, $"outputs[{i}]")).ToArray();
        if (inputs.Length == 0 || outputs.Length == 0)
        {
            throw rdf.Fail("has no inputs or no outputs");
        }

        if (v04)
        {
            inputs = TestTensors04(rdf, "test_inputs", inputs);
            outputs = TestTensors04(rdf, "test_outputs", outputs);
        }

        RdfNode weights = rdf.Required("weights");
        RdfNode? onnx = weights["onnx"];
        var (tolerance, fromRdf) = ReadTolerance(rdf, v05);
        return new BioImageModelDescription
        {
            FormatVersion = version,
            Name = rdf.OptionalText("name") ?? "",
            Description = rdf.OptionalText("description") ?? "",
            License = rdf.OptionalText("license") ?? "",
            Inputs = inputs,
            Outputs = outputs,
            WeightFormats = weights.IsMapping ? weights.Entries.Where(e => !e.Value.IsNull).Select(e => e.Key).ToArray() : throw weights.Fail("is not a mapping of weight formats"),
            OnnxSource = onnx?.Text("source"),
            OnnxSha256 = onnx?.OptionalText("sha256"),
            OnnxOpsetVersion = onnx?["opset_version"]?.AsInt(),
            Tolerance = tolerance,
            ToleranceFromRdf = fromRdf,
            SegKitConfig = rdf["config"] is { IsMapping: true } config ? config["segkit"] : null,
        };
    }

    private static (BioImageTolerance Tolerance, bool FromRdf) ReadTolerance(RdfNode rdf, bool v05)
    {
        // 0.5: config.bioimageio.reproducibility_tolerance, a list of entries that may each name weight formats and outputs.
        if (!v05 || rdf["config"] is not { IsMapping: true } config || config["bioimageio"] is not { IsMapping: true } bioimageio
            || bioimageio["reproducibility_tolerance"] is not { } entries)
        {
            return (BioImageTolerance.Default, false);
        }

        foreach (RdfNode entry in entries.IsList ? entries.Items : [entries])
        {
            IReadOnlyList<RdfNode> formats = entry.List("weights_formats");
            if (formats.Count > 0 && !formats.Any(f => f.AsText() == "onnx"))
            {
                continue;
            }

            return (new BioImageTolerance(
                entry.Number("relative_tolerance", BioImageTolerance.Default.Relative),
                entry.Number("absolute_tolerance", BioImageTolerance.Default.Absolute),
                entry.Number("mismatched_elements_per_million", BioImageTolerance.Default.MismatchedElementsPerMillion)), true);
        }

        return (BioImageTolerance.Default, false);
    }

    private static BioImageTensorDescription[] TestTensors04(RdfNode rdf, string key, BioImageTensorDescription[] tensors)
    {
        IReadOnlyList<RdfNode> files = rdf.List(key);
        if (files.Count != tensors.Length)
        {
            throw rdf.Fail(string.Create(CultureInfo.InvariantCulture, $"lists {files.Count} {key} for {tensors.Length} tensors"));
        }

        return tensors.Select((t, i) => t with { TestTensor = files[i].AsText() }).ToArray();
    }

    private static BioImageTensorDescription Tensor(RdfNode tensor, bool v05, bool input, string where)
    {
        if (!tensor.IsMapping)
        {
            throw tensor.Fail("is not a tensor description");
        }

        string id = v05 ? tensor.OptionalText("id") ?? (input ? "input" : "output") : tensor.Text("name");
        IReadOnlyList<BioImageAxis> axes = v05 ? Axes05(tensor.Required("axes")) : Axes04(tensor, input);
        var steps = tensor.List(input ? "preprocessing" : "postprocessing").Select((s, i) => Step(s, v05, $"{where}.{(input ? "preprocessing" : "postprocessing")}[{i}]")).ToArray();
        string testTensor;
        string? sha = null;
        if (v05)
        {
            RdfNode file = tensor.Required("test_tensor");
            testTensor = file.Text("source");
            sha = file.OptionalText("sha256");
        }
        else
        {
            // 0.4 keeps the test tensors in top-level lists; the caller's index picks the file.
            testTensor = "";
        }

        // 0.5 says data: {range: [a, b]}, 0.4 data_range: [a, b]; an output in [0, 1] holds probabilities, not logits.
        (double?, double?) range = (null, null);
        RdfNode? rangeNode = v05 ? (tensor["data"] is { IsMapping: true } data ? data["range"] : null) : tensor["data_range"];
        if (rangeNode is { IsList: true } r && r.Items.Count == 2)
        {
            range = (r.Items[0].IsNull ? null : r.Items[0].AsNumber(), r.Items[1].IsNull ? null : r.Items[1].AsNumber());
        }

        return new BioImageTensorDescription { Id = id, Axes = axes, Processing = steps, TestTensor = testTensor, TestTensorSha256 = sha, DataRange = range };
    }

    private static BioImageAxis[] Axes05(RdfNode axes)
    {
        if (!axes.IsList)
        {
            throw axes.Fail("is not a list of axes (spec 0.5 describes each axis as a mapping with a type)");
        }

        return axes.Items.Select(axis =>
        {
            string type = axis.Text("type");
            string defaultId = type switch
            {
                "batch" => "batch",
                "channel" => "channel",
                "space" => "x",
                "time" => "time",
                "index" => "index",
                _ => throw axis.Required("type").Fail($"is '{UntrustedText.Quote(type)}', not an axis type of spec 0.5 (batch, channel, space, time, index)"),
            };
            string id = axis.OptionalText("id") ?? defaultId;
            var result = new BioImageAxis
            {
                Id = id,
                Type = type,
                Halo = axis["halo"]?.AsInt() ?? 0,
                ChannelNames = axis.List("channel_names").Select(n => n.AsText()).ToArray(),
            };
            if (type == "channel")
            {
                return result with { Size = result.ChannelNames.Count };
            }

            return axis["size"] switch
            {
                null => result,
                { IsMapping: true } size when size["min"] is not null => result with { MinSize = size.Required("min").AsInt(), Step = size["step"]?.AsInt() ?? 0 },
                { IsMapping: true } size => result with { ReferenceTensor = size.Text("tensor_id"), ReferenceAxis = size.Text("axis_id"), Offset = size["offset"]?.AsInt() ?? 0 },
                var size => result with { Size = size.AsInt() },
            };
        }).ToArray();
    }

    private static BioImageAxis[] Axes04(RdfNode tensor, bool input)
    {
        RdfNode axesNode = tensor.Required("axes");
        string letters = axesNode.AsText();
        RdfNode shape = tensor.Required("shape");
        var axes = new BioImageAxis[letters.Length];
        for (int i = 0; i < letters.Length; i++)
        {
            var (id, type) = letters[i] switch
            {
                'b' => ("batch", "batch"),
                'c' => ("channel", "channel"),
                'x' => ("x", "space"),
                'y' => ("y", "space"),
                'z' => ("z", "space"),
                't' => ("time", "time"),
                'i' => ("index", "index"),
                var other => throw axesNode.Fail($"has axis '{UntrustedText.Quote(other.ToString())}', not one of spec 0.4's b, c, x, y, z, t, i"),
            };
            var axis = new BioImageAxis { Id = id, Type = type };
            if (shape.IsList)
            {
                axis = axis with { Size = Index(shape, i, letters.Length).AsInt() };
            }
            else if (input)
            {
                int min = Index(shape.Required("min"), i, letters.Length).AsInt();
                int step = Index(shape.Required("step"), i, letters.Length).AsInt();
                axis = step == 0 ? axis with { Size = min } : axis with { MinSize = min, Step = step };
            }
            else
            {
                double scale = Index(shape.Required("scale"), i, letters.Length).AsNumber();
                double offset = shape["offset"] is { } o ? Index(o, i, letters.Length).AsNumber() : 0;
                axis = axis with
                {
                    ReferenceTensor = scale == 1 ? shape.Text("reference_tensor") : null,
                    ReferenceAxis = scale == 1 ? id : null,
                    Offset = (int)Math.Round(2 * offset),
                    Size = scale == 0 ? (int)Math.Round(2 * offset) : null,
                };
            }

            if (!input && tensor["halo"] is { IsList: true } halo)
            {
                axis = axis with { Halo = Index(halo, i, letters.Length).AsInt() };
            }

            axes[i] = axis;
        }

        return axes;
    }

    private static RdfNode Index(RdfNode list, int i, int expected) =>
        list.IsList && list.Items.Count == expected ? list.Items[i] : throw list.Fail(string.Create(CultureInfo.InvariantCulture, $"should be a list of {expected} values, one per axis"));

    private static BioImageProcessingStep Step(RdfNode step, bool v05, string where)
    {
        string id = v05 ? step.Text("id") : step.Text("name");
        RdfNode? kwargs = step["kwargs"];
        if (kwargs is not null && !kwargs.IsMapping)
        {
            throw kwargs.Fail("is not a mapping");
        }

        var result = new BioImageProcessingStep { Id = id, Where = where };
        if (kwargs is null)
        {
            // Only steps whose values all have defaults can go without kwargs (scale_linear: gain 1, offset 0).
            return id switch
            {
                "scale_linear" => result with { A = [1], B = [0] },
                "clip" or "binarize" or "fixed_zero_mean_unit_variance" => throw step.Fail($"has no kwargs; {id} needs its values"),
                _ => result,
            };
        }

        if (!v05)
        {
            string mode = kwargs.OptionalText("mode") ?? "per_sample";
            if (id == "zero_mean_unit_variance" && mode == "fixed")
            {
                id = "fixed_zero_mean_unit_variance";
            }
            else if (mode is not ("per_sample" or "fixed"))
            {
                throw kwargs.Required("mode").Fail($"is '{UntrustedText.Quote(mode)}'; SegKit computes statistics per sample only (per_dataset needs the training data's statistics)");
            }
        }

        IReadOnlyList<string>? axes = kwargs["axes"] switch
        {
            null => null,
            { IsList: true } list => list.Items.Select(a => a.AsText()).ToArray(),
            var letters => letters.AsText().Select(c => c switch { 'b' => "batch", 'c' => "channel", 't' => "time", 'i' => "index", _ => c.ToString() }).ToArray(),
        };
        result = result with
        {
            Id = id,
            Axes = axes,
            Axis = kwargs.OptionalText("axis"),
            MinPercentile = kwargs.Number("min_percentile", 0),
            MaxPercentile = kwargs.Number("max_percentile", 100),
            Eps = kwargs.Number("eps", 1e-6),
            DType = kwargs.OptionalText("dtype"),
        };
        if (kwargs["reference_tensor"] is not null)
        {
            throw kwargs.Required("reference_tensor").Fail("is set: scaling by another tensor's range is not supported");
        }

        if (!(result.MinPercentile >= 0 && result.MinPercentile < result.MaxPercentile && result.MaxPercentile <= 100))
        {
            throw kwargs.Fail(string.Create(CultureInfo.InvariantCulture, $"has percentiles {result.MinPercentile}..{result.MaxPercentile}, not 0 <= min < max <= 100"));
        }

        var (a, b) = id switch
        {
            "scale_linear" => ("gain", "offset"),
            "fixed_zero_mean_unit_variance" => ("mean", "std"),
            "clip" => ("min", "max"),
            "binarize" => ("threshold", null),
            _ => ((string?)null, (string?)null),
        };
        result = result with { A = Values(kwargs, a, id == "scale_linear" ? 1 : 0), B = b is null ? [] : Values(kwargs, b, 0) };
        if (id == "clip" && !(result.A[0] <= result.B[0]))
        {
            throw kwargs.Fail("has clip min above max");
        }

        return result;
    }

    private static double[] Values(RdfNode kwargs, string? key, double defaultValue) => key is null ? [] : kwargs[key] switch
    {
        null => [defaultValue],
        { IsList: true } list when list.Items.Count > 0 => list.Items.Select(v => v.AsNumber()).ToArray(),
        { IsList: true } list => throw list.Fail("is an empty list"),
        var single => [single.AsNumber()],
    };
}

using System.Globalization;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Core.Transforms;
using SegKit.Onnx;

namespace SegKit.Interop.BioImageIo;

/// <summary>
/// A bioimage.io model package (spec 0.5, or 0.4) to a SegKit model. The package must prove itself first: its ONNX weights
/// (SHA-256 checked) run with its own preprocessing on its test input must give its test output within the rdf's tolerance.
/// A package SegKit exported carries its card in the weights and is taken as it is. Another is mapped onto the U-Net path:
/// one single-channel 2D input (batch, channel, y, x), per-image percentile scaling (scale_range) as the card's
/// normalisation, and a semantic output (logits, or probabilities turned back into logits by a few nodes added to the
/// graph, so SegKit's softmax gives the package's probabilities). Then the written model, run through SegKit's own
/// normalisation, must reproduce the test output too. Whatever cannot be mapped is refused with the field that says it.
/// </summary>
public static class BioImageModelImporter
{
    private const string TailPrefix = "segkit_bioimageio_";

    /// <summary>Tile side SegKit prefers where the rdf allows a range of sizes.</summary>
    private const int PreferredTile = 256;

    /// <exception cref="ModelFileException">The package is damaged, does not reproduce its test tensors, or cannot be mapped.</exception>
    public static BioImageImport Import(string packagePath, string segKitVersion)
    {
        using BioImagePackage package = BioImagePackage.Open(packagePath);
        string rdfName = package.NameOf(package.DescriptionName);
        RdfNode rdf = RdfYaml.Parse(package.Read(package.DescriptionName, RdfYaml.MaxBytes), rdfName);
        BioImageModelDescription description = BioImageModelDescription.Parse(rdf);
        if (description.Inputs.Count != 1)
        {
            throw new ModelFileException($"inputs has {description.Inputs.Count} tensors ({string.Join(", ", description.Inputs.Select(i => UntrustedText.Quote(i.Id)))}); SegKit runs networks with one image input", rdfName);
        }

        if (description.OnnxSource is null)
        {
            throw new ModelFileException($"weights has no onnx entry (it has {string.Join(", ", description.WeightFormats)}); SegKit runs ONNX weights only", rdfName);
        }

        BioImageTensorDescription input = description.Inputs[0];
        string weightsName = package.NameOf(description.OnnxSource);
        byte[] weights = package.ReadVerified(description.OnnxSource, description.OnnxSha256);
        OnnxModel onnx;
        try
        {
            onnx = OnnxReader.Read(weights, weightsName);
        }
        catch (OnnxFormatException e)
        {
            throw new ModelFileException(Unprefixed(e.Message, weightsName), weightsName, e);
        }

        ModelCard? card;
        try
        {
            card = ModelCard.FromMetadata(onnx.Metadata, weightsName);
        }
        catch (OnnxFormatException e)
        {
            throw new ModelFileException(Unprefixed(e.Message, weightsName), weightsName, e);
        }

        if (card is null)
        {
            // Axes SegKit cannot map (3D, time, unknown) are refused before anything runs.
            CheckAxes(input, rdfName, "inputs[0]");
            CheckAxes(description.Outputs[0], rdfName, "outputs[0]");
        }

        var (testInput, inputShape) = ReadTensor(package, input.TestTensor, input.TestTensorSha256, input.Axes.Count, "test input");
        var expected = description.Outputs.Select(o => ReadTensor(package, o.TestTensor, o.TestTensorSha256, o.Axes.Count, "test output")).ToList();

        // 1. The package's own test, with its own processing: a package that does not reproduce is refused before any mapping.
        float[] preprocessed = (float[])testInput.Clone();
        Process(input, preprocessed, inputShape, rdfName);
        var outputs = BioImageNetwork.Run(weights, weightsName, preprocessed, inputShape);
        if (outputs.Count < description.Outputs.Count)
        {
            throw new ModelFileException($"the rdf describes {description.Outputs.Count} outputs but the ONNX weights have {outputs.Count}", weightsName);
        }

        var packageTest = new List<BioImageComparison>();
        for (int i = 0; i < description.Outputs.Count; i++)
        {
            BioImageTensorDescription output = description.Outputs[i];
            var (data, shape) = (outputs[i].Data, outputs[i].Shape);
            string name = package.NameOf(output.TestTensor);

            // Before postprocessing: the steps index the tensor by the rdf's axes, which a differently shaped output lacks.
            if (!shape.SequenceEqual(expected[i].Shape))
            {
                throw new ModelFileException($"is a [{string.Join(", ", expected[i].Shape)}] tensor but the ONNX weights give [{string.Join(", ", shape)}] for the test input", name);
            }

            Process(output, data, shape, rdfName);

            BioImageComparison comparison = BioImageComparison.Compare(output.TestTensor, expected[i].Data, data, shape, description.Tolerance);
            if (!comparison.Passed)
            {
                throw new ModelFileException($"is not reproduced by the package's ONNX weights: {comparison}", name);
            }

            packageTest.Add(comparison);
        }

        // 2. The SegKit model: the weights as they are when they carry a card, else mapped onto the U-Net path.
        var notes = new List<string>();
        byte[] modelBytes;
        BioImageOutputKind kind;
        if (card is not null)
        {
            modelBytes = weights;
            kind = BioImageOutputKind.Raw;
            notes.Add("the ONNX weights carry a SegKit model card (a package SegKit exported): written unchanged");
        }
        else
        {
            BioImageTensorDescription output = description.Outputs[0];
            var (low, high, zeroMean, epsilon) = Normalisation(input, rdfName);
            int outputChannels = expected[0].Shape[1];
            kind = ReadOutputKind(output, outputChannels, rdfName, notes);
            card = new ModelCard
            {
                Kind = SegmentationModelKind.UNet,
                InputChannels = ["image:gray"],
                LowPercentile = low,
                HighPercentile = high,
                ZeroMeanUnitVariance = zeroMean,
                NormalizeEpsilon = epsilon,
                Classes = Classes(output, outputChannels),
                TileSize = TileSize(input, rdfName),
                Halo = 0,
                TrainingData = $"bioimage.io model '{Clean(description.Name)}' (format {description.FormatVersion}, licence {Clean(description.License)}), imported by SegKit from {Path.GetFileName(packagePath.TrimEnd('/'))}",
                TrainedAt = Timestamp(rdf, packagePath),
                SegKitVersion = segKitVersion,
            };
            if (description.Outputs.Count > 1)
            {
                notes.Add($"the package has {description.Outputs.Count} outputs; SegKit uses the first ('{UntrustedText.Quote(output.Id)}')");
            }

            if (output.Axes.Any(a => a.Halo > 0))
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"the rdf's output halo ({output.Axes.Max(a => a.Halo)} px) is covered by SegKit's overlapping, blended tiles"));
            }

            modelBytes = OnnxWriter.ToBytes(WithCard(onnx, card, kind, outputChannels));
        }

        // 3. SegKit's own normalisation on the same test input, through the model as written, against the package's test output.
        BioImageComparison segKitTest = SegKitTest(modelBytes, package.NameOf(description.OnnxSource), card, testInput, inputShape, expected[0].Data, expected[0].Shape, kind, description.Outputs[0].TestTensor, description.Tolerance);
        if (!segKitTest.Passed)
        {
            throw new ModelFileException($"SegKit's pipeline ({(card.ZeroMeanUnitVariance ? "zero mean, unit variance" : $"percentiles {card.LowPercentile}..{card.HighPercentile}")}, the model as it would be written) does not reproduce the package's test output: {segKitTest}", rdfName);
        }

        return new BioImageImport
        {
            ModelBytes = modelBytes,
            Card = card,
            Description = description,
            PackageTest = packageTest,
            SegKitTest = segKitTest,
            HadSegKitCard = ReferenceEquals(modelBytes, weights),
            Notes = notes,
        };
    }

    private static (float[] Data, int[] Shape) ReadTensor(BioImagePackage package, string source, string? sha256, int rank, string what)
    {
        string name = package.NameOf(source);
        byte[] bytes = package.ReadVerified(source, sha256);
        NpyArray array;
        try
        {
            array = NpyFile.Read(new MemoryStream(bytes, writable: false));
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException or OverflowException)
        {
            throw new ModelFileException($"is not a readable .npy {what} ({e.Message})", name, e);
        }

        if (array.Shape.Length != rank)
        {
            throw new ModelFileException($"has {array.Shape.Length} dimensions [{string.Join(", ", array.Shape)}] but the rdf gives its tensor {rank} axes", name);
        }

        return (array.ToSingle().ToArray(), array.Shape);
    }

    private static void Process(BioImageTensorDescription tensor, float[] data, int[] shape, string rdfName)
    {
        foreach (BioImageProcessingStep step in tensor.Processing)
        {
            if (step.Apply(data, shape, tensor.AxisIds) is string problem)
            {
                throw new ModelFileException($"{step.Where}: {problem}", rdfName);
            }
        }
    }

    private static void CheckAxes(BioImageTensorDescription tensor, string rdfName, string where)
    {
        string[] types = tensor.Axes.Select(a => a.Type).ToArray();
        if (tensor.Axes.Any(a => a.Type == "space" && a.Id == "z"))
        {
            throw new ModelFileException($"{where}.axes are ({tensor.AxesText}): a 3D model; SegKit segments 2D images (batch, channel, y, x)", rdfName);
        }

        if (!types.SequenceEqual(["batch", "channel", "space", "space"]) || tensor.Axes[2].Id != "y" || tensor.Axes[3].Id != "x")
        {
            throw new ModelFileException($"{where}.axes are ({tensor.AxesText}); SegKit's U-Net path maps exactly (batch, channel, y, x)", rdfName);
        }
    }

    /// <summary>
    /// The card's normalisation from the input's preprocessing: one scale_range (percentiles) or one
    /// zero_mean_unit_variance, each over y and x of every image.
    /// </summary>
    private static (double Low, double High, bool ZeroMean, double Epsilon) Normalisation(BioImageTensorDescription input, string rdfName)
    {
        var steps = input.Processing.Where(s => !(s.Id == "ensure_dtype" && s.DType is "float32" or "float64")).ToList();
        string where = "inputs[0].preprocessing";
        if (steps.Count == 0)
        {
            throw new ModelFileException($"{where} is empty: the network expects raw intensities, but SegKit's U-Net path always normalises each image", rdfName);
        }

        BioImageProcessingStep step = steps[0];
        if (steps.Count > 1 || step.Id is not ("scale_range" or "zero_mean_unit_variance"))
        {
            string list = string.Join(", ", steps.Select(s => UntrustedText.Quote(s.Id)));
            throw new ModelFileException($"{where} is ({list}); SegKit's U-Net path normalises each image by one scale_range or one zero_mean_unit_variance step, and the others cannot be expressed in the model card", rdfName);
        }

        IReadOnlyList<string> axes = step.Axes ?? input.AxisIds;
        if (!axes.Contains("y") || !axes.Contains("x") || axes.Contains("batch") || (axes.Contains("channel") && input.Axes[1].Size is not 1))
        {
            throw new ModelFileException($"{step.Where} normalises over axes ({string.Join(", ", axes.Select(UntrustedText.Quote))}); SegKit normalises over y and x of each image and channel", rdfName);
        }

        if (!(step.Eps > 0 && step.Eps < 1))
        {
            throw new ModelFileException($"{step.Where} has eps {step.Eps.ToString(CultureInfo.InvariantCulture)}; SegKit takes an eps within (0, 1)", rdfName);
        }

        return step.Id == "zero_mean_unit_variance" ? (1, 99, true, step.Eps) : (step.MinPercentile, step.MaxPercentile, false, 1e-6);
    }

    private static int TileSize(BioImageTensorDescription input, string rdfName)
    {
        if (input.Axes[1].Size is not 1)
        {
            throw new ModelFileException($"inputs[0] has {input.Axes[1].Size?.ToString(CultureInfo.InvariantCulture) ?? "a variable number of"} channels; SegKit's U-Net path feeds one (gray) channel", rdfName);
        }

        BioImageAxis y = input.Axes[2];
        BioImageAxis x = input.Axes[3];
        if (y.ReferenceTensor is not null || x.ReferenceTensor is not null)
        {
            throw new ModelFileException("inputs[0] sizes y or x by another tensor; SegKit needs sizes it can choose tiles from", rdfName);
        }

        // Square tiles: the smallest size both axes accept from 256 up, else the largest below.
        var accepted = Enumerable.Range(1, 2048).Where(s => y.Accepts(s) && x.Accepts(s)).ToList();
        if (accepted.Count == 0)
        {
            throw new ModelFileException("inputs[0] accepts no square tile of up to 2048 pixels (its y and x sizes disagree)", rdfName);
        }

        return accepted.FirstOrDefault(s => s >= PreferredTile, accepted[^1]);
    }

    private static BioImageOutputKind ReadOutputKind(BioImageTensorDescription output, int channels, string rdfName, List<string> notes)
    {
        var steps = output.Processing.Where(s => !(s.Id == "ensure_dtype" && s.DType is "float32" or "float64")).ToList();
        bool probabilityRange = output.DataRange is { Low: 0, High: 1 };
        if (steps.Count == 1 && steps[0].Id == "sigmoid" && channels == 1)
        {
            notes.Add("the package applies a sigmoid to its one output channel: SegKit's U-Net path does the same (a zero background logit is added to the graph)");
            return BioImageOutputKind.SigmoidLogit;
        }

        if (steps.Count > 0)
        {
            throw new ModelFileException($"outputs[0].postprocessing is ({string.Join(", ", steps.Select(s => UntrustedText.Quote(s.Id)))}); SegKit maps a sigmoid on one channel only, as it needs the class probabilities", rdfName);
        }

        if (probabilityRange)
        {
            notes.Add(channels == 1
                ? "the output's data range is [0, 1]: read as a foreground probability (its logit is added to the graph)"
                : "the output's data range is [0, 1]: read as class probabilities (their logarithms are added to the graph)");
            return channels == 1 ? BioImageOutputKind.SigmoidProbability : BioImageOutputKind.SoftmaxProbability;
        }

        notes.Add(channels == 1
            ? "the output has no [0, 1] data range and no sigmoid: read as a foreground logit"
            : "the output has no [0, 1] data range: read as class logits (SegKit applies softmax)");
        return channels == 1 ? BioImageOutputKind.SigmoidLogit : BioImageOutputKind.Raw;
    }

    private static string[] Classes(BioImageTensorDescription output, int channels)
    {
        IReadOnlyList<string> names = output.Axes[1].ChannelNames;
        if (channels == 1)
        {
            return ["background", names.Count == 1 ? Clean(names[0]) : "foreground"];
        }

        return Enumerable.Range(0, channels).Select(i => i < names.Count ? Clean(names[i]) : string.Create(CultureInfo.InvariantCulture, $"class {i}")).ToArray();
    }

    /// <summary>The model with the card in its metadata and, where the output is not class logits, nodes that make it so.</summary>
    private static OnnxModel WithCard(OnnxModel model, ModelCard card, BioImageOutputKind kind, int channels)
    {
        card.WriteTo(model.Metadata);

        if (kind == BioImageOutputKind.Raw)
        {
            return model;
        }

        OnnxGraph graph = model.Graph;
        OnnxValueInfo output = graph.Outputs[0];
        string value = output.Name;
        string Name(string suffix) => TailPrefix + suffix;
        void Node(string op, string[] inputs, string result, params OnnxAttribute[] attributes)
        {
            var node = new OnnxNode(op, inputs, [result]) { Name = Name(result) };
            node.Attributes.AddRange(attributes);
            graph.Nodes.Add(node);
        }

        // Probabilities are kept away from 0 and 1 so their logarithms stay finite.
        if (kind != BioImageOutputKind.SigmoidLogit)
        {
            graph.Initializers.Add(OnnxTensor.FromFloats(Name("tiny"), [1e-7f]));
        }

        if (kind == BioImageOutputKind.SigmoidProbability)
        {
            graph.Initializers.Add(OnnxTensor.FromFloats(Name("one"), [1f]));
            graph.Initializers.Add(OnnxTensor.FromFloats(Name("almost_one"), [1 - 1e-7f]));
        }

        string logits;
        if (kind == BioImageOutputKind.SoftmaxProbability)
        {
            Node("Max", [value, Name("tiny")], Name("p"));
            Node("Log", [Name("p")], Name("logits"));
            logits = Name("logits");
        }
        else
        {
            string foreground = value;
            if (kind == BioImageOutputKind.SigmoidProbability)
            {
                Node("Max", [value, Name("tiny")], Name("p_low"));
                Node("Min", [Name("p_low"), Name("almost_one")], Name("p"));
                Node("Sub", [Name("one"), Name("p")], Name("q"));
                Node("Log", [Name("p")], Name("log_p"));
                Node("Log", [Name("q")], Name("log_q"));
                Node("Sub", [Name("log_p"), Name("log_q")], Name("logit"));
                foreground = Name("logit");
            }

            // softmax([0, l]) = [1 - sigmoid(l), sigmoid(l)]: the background logit is zero.
            Node("Sub", [foreground, foreground], Name("zero"));
            Node("Concat", [Name("zero"), foreground], Name("logits"), OnnxAttribute.Of("axis", 1L));
            logits = Name("logits");
        }

        IReadOnlyList<OnnxDimension>? shape = output.Shape is { Count: 4 } s ? [s[0], kind == BioImageOutputKind.SoftmaxProbability ? s[1] : (OnnxDimension)Math.Max(2, channels + 1), s[2], s[3]] : null;
        graph.Outputs[0] = new OnnxValueInfo(logits, OnnxElementType.Float, shape) { DocString = $"class logits made by SegKit from the package's output '{output.Name}'" };
        return model;
    }

    private static BioImageComparison SegKitTest(byte[] model, string source, ModelCard card, float[] testInput, int[] shape, float[] expected, int[] expectedShape, BioImageOutputKind kind, string tensorName, BioImageTolerance tolerance)
    {
        // SegKit's normalisation, image by image and channel by channel, as its segmenters apply it.
        float[] normalised = (float[])testInput.Clone();
        int plane = shape[^1] * shape[^2];
        for (int offset = 0; offset + plane <= normalised.Length; offset += plane)
        {
            if (card.ZeroMeanUnitVariance)
            {
                var image = new Image(1, shape[^2], shape[^1], normalised.AsSpan(offset, plane).ToArray());
                IntensityScale.ZeroMeanUnitVariance(image, card.NormalizeEpsilon).Apply(image).Plane(0).CopyTo(normalised.AsSpan(offset, plane));
            }
            else
            {
                Normalization.NormalizeInPlace(normalised.AsSpan(offset, plane), card.LowPercentile, card.HighPercentile);
            }
        }

        var (_, data, outShape) = BioImageNetwork.Run(model, source, normalised, shape)[0];
        float[] actual = kind switch
        {
            BioImageOutputKind.Raw => data,
            BioImageOutputKind.SigmoidLogit or BioImageOutputKind.SigmoidProbability => ForegroundProbability(data, outShape),
            _ => Softmax(data, outShape),
        };
        if (actual.Length != expected.Length)
        {
            throw new ModelFileException($"the model as it would be written gives [{string.Join(", ", outShape)}] where the package's test output is [{string.Join(", ", expectedShape)}]", source);
        }

        return BioImageComparison.Compare(tensorName + " (SegKit pipeline)", expected, actual, expectedShape, tolerance);
    }

    /// <summary>softmax over the two channels of [N, 2, H, W], channel 1 only: [N, 1, H, W].</summary>
    private static float[] ForegroundProbability(float[] logits, int[] shape)
    {
        int plane = shape[2] * shape[3];
        var result = new float[shape[0] * plane];
        for (int n = 0; n < shape[0]; n++)
        {
            for (int i = 0; i < plane; i++)
            {
                double background = logits[(((n * 2) + 0) * plane) + i];
                double foreground = logits[(((n * 2) + 1) * plane) + i];
                result[(n * plane) + i] = (float)(1 / (1 + Math.Exp(background - foreground)));
            }
        }

        return result;
    }

    private static float[] Softmax(float[] logits, int[] shape)
    {
        int classes = shape[1];
        int plane = shape[2] * shape[3];
        var result = new float[logits.Length];
        for (int n = 0; n < shape[0]; n++)
        {
            for (int i = 0; i < plane; i++)
            {
                double max = double.NegativeInfinity;
                for (int c = 0; c < classes; c++)
                {
                    max = Math.Max(max, logits[(((n * classes) + c) * plane) + i]);
                }

                double sum = 0;
                for (int c = 0; c < classes; c++)
                {
                    sum += Math.Exp(logits[(((n * classes) + c) * plane) + i] - max);
                }

                for (int c = 0; c < classes; c++)
                {
                    int at = (((n * classes) + c) * plane) + i;
                    result[at] = (float)(Math.Exp(logits[at] - max) / sum);
                }
            }
        }

        return result;
    }

    private static DateTimeOffset Timestamp(RdfNode rdf, string packagePath) =>
        rdf.OptionalText("timestamp") is string text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time)
            ? time.ToUniversalTime()
            : new DateTimeOffset(File.Exists(packagePath) ? File.GetLastWriteTimeUtc(packagePath) : Directory.GetLastWriteTimeUtc(packagePath), TimeSpan.Zero);

    /// <summary>Text from the rdf made safe for the card (one line, no control characters).</summary>
    private static string Clean(string text) => UntrustedText.Quote(text).Replace(';', ',');

    private static string Unprefixed(string message, string path) =>
        message.StartsWith(path, StringComparison.Ordinal) ? message[path.Length..].TrimStart(':', ' ') : message;
}

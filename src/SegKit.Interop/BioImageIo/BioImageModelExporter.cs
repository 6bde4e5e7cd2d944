using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Imaging;
using SegKit.Inference;
using SegKit.Onnx;

namespace SegKit.Interop.BioImageIo;

/// <summary>
/// A SegKit model (ONNX with its card) to a bioimage.io model package following model spec 0.5: rdf.yaml, the ONNX
/// weights (unchanged, card included), a test input cut from a real image and the network's outputs on it computed by
/// ONNX Runtime (.npy), a cover (the model's outlines over the test image), and a README that says what SegKit's pipeline
/// does beyond what an rdf can express. The folder is written file by file, atomically, then zipped atomically beside it.
/// </summary>
public static class BioImageModelExporter
{
    public const string FormatVersion = "0.5.4";

    private const string WeightsFile = "weights.onnx";
    private const string InputFile = "test_input.npy";
    private const string CoverFile = "cover.png";
    private const string ReadmeFile = "README.md";

    /// <exception cref="ModelFileException">The model has no card, or is a valid-padding U-Net (whose output the rdf would need as a halo, not yet written).</exception>
    public static BioImageExport Export(string modelPath, string imagePath, string folder, BioImageExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        byte[] weights = File.ReadAllBytes(modelPath);
        OnnxModel onnx;
        ModelCard card;
        try
        {
            onnx = OnnxReader.Read(weights, modelPath);
            card = ModelCard.FromMetadata(onnx.Metadata, modelPath) ?? throw new ModelFileException("has no SegKit model card; export a model that segkit export or segkit import wrote", modelPath);
        }
        catch (OnnxFormatException e)
        {
            throw new ModelFileException(e.Message.StartsWith(modelPath, StringComparison.Ordinal) ? e.Message[modelPath.Length..].TrimStart(':', ' ') : e.Message, modelPath, e);
        }

        if (card.Halo > 0)
        {
            throw new ModelFileException("is a valid-padding U-Net (halo above 0); SegKit exports same-padding networks to bioimage.io", modelPath);
        }

        // ONNX tensor names ("input.1", "x:0", "out/logits", anything) become rdf ids and file names: only valid ids are
        // used for either. Runtimes feed an ONNX network by position, so the ids need not match the graph's names.
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string inputId = TensorId(onnx.Graph.Inputs[0].Name, "input", ids);
        // test_input.npy is the input's test file whatever its id: no output may take that name.
        ids.Add("input");
        int step = 1 << onnx.Graph.Nodes.Count(n => n.OpType is "MaxPool" or "AveragePool");
        Image image = ModelImage(ImageFile.Read(imagePath), card);
        int size = Math.Min(Math.Min(image.Height, image.Width), options.MaxTestSize) / step * step;
        if (size < step)
        {
            throw new ModelFileException(string.Create(CultureInfo.InvariantCulture, $"is {image.Width}x{image.Height} pixels; the network needs at least {step}x{step}"), imagePath);
        }

        Image crop = image.Crop((image.Height - size) / 2, (image.Width - size) / 2, size, size);
        int[] shape = [1, crop.Channels, size, size];
        var preprocessing = card.ZeroMeanUnitVariance
            ? new BioImageProcessingStep { Id = "zero_mean_unit_variance", Axes = ["y", "x"], Eps = card.NormalizeEpsilon }
            : new BioImageProcessingStep { Id = "scale_range", Axes = ["y", "x"], MinPercentile = card.LowPercentile, MaxPercentile = card.HighPercentile };
        float[] network = (float[])crop.Buffer.Clone();
        _ = preprocessing.Apply(network, shape, ["batch", "channel", "y", "x"]);
        var outputs = BioImageNetwork.Run(weights, modelPath, network, shape);

        outputs = outputs.Select(o => (TensorId(o.Name, "output", ids), o.Data, o.Shape)).ToList();

        Directory.CreateDirectory(folder);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [WeightsFile] = weights,
            [InputFile] = Npy(crop.Buffer, shape),
        };
        foreach (var (name, data, outShape) in outputs)
        {
            files[$"test_{name}.npy"] = Npy(data, outShape);
        }

        files[CoverFile] = Cover(modelPath, crop, card);
        string modelName = options.Name ?? Path.GetFileNameWithoutExtension(modelPath);
        files[ReadmeFile] = Encoding.UTF8.GetBytes(Readme(modelName, card, shape, outputs, options));
        files["rdf.yaml"] = Encoding.UTF8.GetBytes(Rdf(modelName, card, onnx, inputId, preprocessing, outputs, files, options));
        foreach (var (name, bytes) in files)
        {
            AtomicFile.Write(Path.Combine(folder, name), stream => stream.Write(bytes));
        }

        string zipPath = Path.GetFullPath(folder).TrimEnd('/') + ".zip";
        AtomicFile.Write(zipPath, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var (name, bytes) in files.OrderBy(f => f.Key == "rdf.yaml" ? 0 : 1).ThenBy(f => f.Key, StringComparer.Ordinal))
            {
                ZipArchiveEntry entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                entry.LastWriteTime = ZipTime(card.TrainedAt);
                using Stream entryStream = entry.Open();
                entryStream.Write(bytes);
            }
        });
        return new BioImageExport { Folder = folder, ZipPath = zipPath, ZipBytes = new FileInfo(zipPath).Length, TestShape = shape, Files = files.Keys.Order(StringComparer.Ordinal).ToArray() };
    }

    /// <summary>
    /// A card's time as a zip entry can hold it: zip's DOS dates run from 1980 to 2107, and a card from an rdf may carry
    /// any timestamp (1970 from a zeroed clock), which must not fail the export after the folder is written.
    /// </summary>
    private static DateTimeOffset ZipTime(DateTimeOffset time)
    {
        var earliest = new DateTimeOffset(1980, 1, 2, 0, 0, 0, TimeSpan.Zero);
        var latest = new DateTimeOffset(2107, 12, 30, 0, 0, 0, TimeSpan.Zero);
        DateTimeOffset utc = time.ToUniversalTime();
        return utc < earliest ? earliest : utc > latest ? latest : utc;
    }

    /// <summary>The planes the model reads from <paramref name="image"/>, selected as its segmenter selects them.</summary>
    private static Image ModelImage(Image image, ModelCard card)
    {
        ChannelSelection selection = ModelChannels.Selection(card);
        if (card.Kind == SegmentationModelKind.UNet)
        {
            return selection.Cytoplasm == ImageChannel.Gray
                ? (image.Channels == 1 ? image : image.ToGray())
                : new Image(1, image.Height, image.Width, image.SelectChannels(selection).Plane(0).ToArray());
        }

        ModelChannels.Check(image, selection, null);
        return image.SelectChannels(selection);
    }

    private static byte[] Npy(float[] data, int[] shape)
    {
        using var buffer = new MemoryStream();
        NpyFile.Write<float>(buffer, "<f4", data, shape);
        return buffer.ToArray();
    }

    /// <summary>The model's objects outlined over the test image, as segkit segment draws them.</summary>
    private static byte[] Cover(string modelPath, Image crop, ModelCard card)
    {
        using SegmentationModel model = SegmentationModel.Load(modelPath, intraOpThreads: 2);
        // The crop already holds the planes the model reads, in the card's order; drawn over the first.
        var segmenter = model.CreateSegmenter(new SegmentOptions { Channels = card.Kind == SegmentationModelKind.Cellpose ? new ChannelSelection(ImageChannel.Red, crop.Channels > 1 ? ImageChannel.Green : ImageChannel.None) : ChannelSelection.Gray });
        SegmentationResult result = segmenter.Segment(crop);
        Image display = crop.Channels == 1 ? crop : new Image(1, crop.Height, crop.Width, crop.Plane(0).ToArray());
        return Overlay.EncodePng(display, result.Labels);
    }

    private static string Rdf(string name, ModelCard card, OnnxModel onnx, string inputId, BioImageProcessingStep preprocessing, List<(string Name, float[] Data, int[] Shape)> outputs, Dictionary<string, byte[]> files, BioImageExportOptions options)
    {
        int step = 1 << onnx.Graph.Nodes.Count(n => n.OpType is "MaxPool" or "AveragePool");
        long opset = onnx.OpsetImports.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(OnnxModel.DefaultOpset).Max();
        bool cellpose = card.Kind == SegmentationModelKind.Cellpose;
        var config = new List<KeyValuePair<string, object?>>
        {
            new("bioimageio", Map(("reproducibility_tolerance", new object[]
            {
                Map(("relative_tolerance", BioImageTolerance.Default.Relative), ("absolute_tolerance", BioImageTolerance.Default.Absolute), ("mismatched_elements_per_million", 0), ("weights_formats", new[] { "onnx" })),
            }))),
            new("segkit", Map(
                ("kind", cellpose ? "cellpose" : "unet"),
                ("training_data", card.TrainingData),
                ("trained_at", card.TrainedAt.ToString("O", CultureInfo.InvariantCulture)),
                ("validation", card.ValidationMetrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new KeyValuePair<string, object?>(m.Key, m.Value)).ToList()),
                ("not_in_rdf", NotInRdf(card).ToArray()),
                ("model_card", card.ToMetadata().OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new KeyValuePair<string, object?>(m.Key, m.Value)).ToList()),
                ("segkit_version", options.SegKitVersion))),
        };
        var document = new List<KeyValuePair<string, object?>>
        {
            new("type", "model"),
            new("format_version", FormatVersion),
            new("name", name),
            new("description", options.Description ?? (cellpose
                ? "Cellpose-style network (flows and cell probability) trained with SegKit; the raw network outputs, which Cellpose's dynamics turn into masks"
                : "U-Net trained with SegKit: class logits per pixel (softmax over the channel axis gives probabilities)")),
            new("authors", options.Authors.Select(a => Map(("name", a))).ToArray()),
            new("cite", Citations(cellpose)),
            new("license", options.License),
            new("documentation", ReadmeFile),
            new("covers", new[] { CoverFile }),
            new("tags", cellpose ? new[] { "segkit", "cellpose", "instance-segmentation", "2d", "onnx" } : ["segkit", "unet", "semantic-segmentation", "2d", "onnx"]),
            new("timestamp", card.TrainedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            new("inputs", new object[]
            {
                Map(
                    ("id", inputId),
                    ("description", $"raw image intensities: {string.Join(", ", card.InputChannels)} (SegKit's channel roles)"),
                    ("axes", new object[]
                    {
                        Map(("type", "batch")),
                        Map(("type", "channel"), ("channel_names", card.InputChannels.Select((c, i) => Identifier(c.Split(':')[0], i)).ToArray())),
                        Map(("type", "space"), ("id", "y"), ("size", Map(("min", step), ("step", step)))),
                        Map(("type", "space"), ("id", "x"), ("size", Map(("min", step), ("step", step)))),
                    }),
                    ("test_tensor", FileEntry(InputFile, files)),
                    ("data", Map(("type", "float32"))),
                    ("preprocessing", new object[]
                    {
                        card.ZeroMeanUnitVariance
                            ? Map(("id", "zero_mean_unit_variance"), ("kwargs", Map(("axes", new[] { "y", "x" }), ("eps", preprocessing.Eps))))
                            : Map(("id", "scale_range"), ("kwargs", Map(("axes", new[] { "y", "x" }), ("min_percentile", preprocessing.MinPercentile), ("max_percentile", preprocessing.MaxPercentile), ("eps", preprocessing.Eps)))),
                    })),
            }),
            new("outputs", outputs.Select(o => Output(o.Name, o.Shape, inputId, card, files)).ToArray()),
            new("weights", Map(("onnx", Map(("source", WeightsFile), ("sha256", Sha256(files[WeightsFile])), ("opset_version", opset))))),
            new("config", config),
        };
        return RdfYaml.Write(document);
    }

    private static object Output(string id, int[] shape, string inputId, ModelCard card, Dictionary<string, byte[]> files)
    {
        bool cellpose = card.Kind == SegmentationModelKind.Cellpose;
        bool spatial = shape.Length == 4;
        string[] channels = cellpose && spatial ? ["flow_y", "flow_x", "cellprob"]
            : spatial ? (card.Classes ?? []).Select((c, i) => Identifier(c, i)).ToArray()
            : Enumerable.Range(0, shape[1]).Select(i => string.Create(CultureInfo.InvariantCulture, $"style_{i:000}")).ToArray();
        var axes = new List<object>
        {
            Map(("type", "batch")),
            Map(("type", "channel"), ("channel_names", channels)),
        };
        if (spatial)
        {
            axes.Add(Map(("type", "space"), ("id", "y"), ("size", Map(("tensor_id", inputId), ("axis_id", "y")))));
            axes.Add(Map(("type", "space"), ("id", "x"), ("size", Map(("tensor_id", inputId), ("axis_id", "x")))));
        }

        string description = cellpose && spatial ? "Cellpose's raw network output: flows (dY, dX) and the cell probability logit; masks need Cellpose's dynamics (SegKit or Cellpose)"
            : cellpose ? "the network's style vector (its size model estimates object diameters from it)"
            : "class logits; softmax over the channel axis gives class probabilities";
        return Map(("id", id), ("description", description), ("axes", axes), ("test_tensor", FileEntry($"test_{id}.npy", files)), ("data", Map(("type", "float32"))));
    }

    /// <summary>Steps of SegKit's pipeline that an rdf cannot express; also listed in the README.</summary>
    private static IEnumerable<string> NotInRdf(ModelCard card)
    {
        yield return "SegKit treats a channel whose percentile range is at most 1e-3 as flat and feeds zeros; scale_range divides by the range plus eps";
        if (card.Kind == SegmentationModelKind.Cellpose)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"images are rescaled by {card.Diameter:0.##} px / the objects' diameter before the network (diameter {(card.SizeModel is null ? "from a first pass" : "from the size model on the style output")})");
            yield return "masks come from following the flows (Cellpose dynamics), the flow-error check and the cell-probability threshold";
            if (card.InvertBrightBackground)
            {
                yield return "images with a bright background are inverted after normalisation";
            }
        }
        else
        {
            yield return "objects are the connected components of the most probable class (or a boundary-aware watershed)";
        }

        yield return string.Create(CultureInfo.InvariantCulture, $"large images run as overlapping {card.TileSize} px tiles blended with a taper window");
    }

    private static object[] Citations(bool cellpose) => cellpose
        ?
        [
            Map(("text", "Stringer, C., Wang, T., Michaelos, M. & Pachitariu, M. Cellpose: a generalist algorithm for cellular segmentation. Nature Methods 18, 100-106 (2021)."), ("doi", "10.1038/s41592-020-01018-x")),
        ]
        :
        [
            Map(("text", "Ronneberger, O., Fischer, P. & Brox, T. U-Net: Convolutional networks for biomedical image segmentation. MICCAI 2015."), ("doi", "10.1007/978-3-319-24574-4_28")),
        ];

    private static string Readme(string name, ModelCard card, int[] shape, List<(string Name, float[] Data, int[] Shape)> outputs, BioImageExportOptions options)
    {
        var text = new StringBuilder();
        bool cellpose = card.Kind == SegmentationModelKind.Cellpose;
        text.Append(CultureInfo.InvariantCulture, $"# {name}\n\n");
        text.Append(cellpose
            ? "A Cellpose-style network trained with SegKit. The package holds the raw network: its outputs are Cellpose's flows (dY, dX), the cell probability logit and the style vector. Masks need Cellpose's dynamics, which SegKit and Cellpose apply; other bioimage.io consumers get the raw outputs.\n\n"
            : "A U-Net trained with SegKit. Its output is per-pixel class logits; softmax over the channel axis gives the class probabilities (bioimage.io has no softmax step, so the rdf leaves it to the consumer).\n\n");
        text.Append("## Input and preprocessing\n\n");
        text.Append(card.ZeroMeanUnitVariance
            ? string.Create(CultureInfo.InvariantCulture, $"{string.Join(", ", card.InputChannels)}; each channel is scaled to zero mean and unit variance (zero_mean_unit_variance over y and x, eps {card.NormalizeEpsilon:G3}), as SegKit's normalisation does for this model.\n\n")
            : string.Create(CultureInfo.InvariantCulture, $"{string.Join(", ", card.InputChannels)}; each channel is scaled so that its {card.LowPercentile}th percentile becomes 0 and its {card.HighPercentile}th becomes 1 (scale_range over y and x), as SegKit's normalisation does.\n\n"));
        text.Append("## What SegKit does that the rdf cannot say\n\n");
        foreach (string step in NotInRdf(card))
        {
            text.Append(CultureInfo.InvariantCulture, $"- {step}\n");
        }

        text.Append("\nRun the whole pipeline with SegKit: `segkit segment IMAGES --model weights.onnx --out DIR` (the weights carry SegKit's model card), or import this package back with `segkit import bioimageio PACKAGE --out model.onnx`.\n\n");
        text.Append("## Training data and validation\n\n");
        text.Append(CultureInfo.InvariantCulture, $"{card.TrainingData}\n\n");
        foreach (var (metric, value) in card.ValidationMetrics.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"- {metric}: {value:0.###}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\n## Test tensors\n\n`test_input.npy` [{string.Join(", ", shape)}] is cut from a sample image (raw intensities); ");
        text.Append(string.Join("; ", outputs.Select(o => $"`test_{o.Name}.npy` [{string.Join(", ", o.Shape)}]")));
        text.Append(" were computed from it by ONNX Runtime with the preprocessing above.\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Packaged by SegKit {options.SegKitVersion}; licence {options.License}.\n");
        return text.ToString();
    }

    private static List<KeyValuePair<string, object?>> FileEntry(string name, Dictionary<string, byte[]> files) =>
        Map(("source", name), ("sha256", Sha256(files[name])));

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A channel name as the spec's identifiers want it (letters, digits, underscores; not starting with a digit).</summary>
    private static string Identifier(string text, int index)
    {
        var id = new StringBuilder();
        foreach (char c in text)
        {
            id.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        return id.Length == 0 || char.IsAsciiDigit(id[0]) ? string.Create(CultureInfo.InvariantCulture, $"channel_{index}_{id}") : id.ToString();
    }

    /// <summary>
    /// A spec-0.5 tensor id (a lower-case identifier of at most 32 characters) made from an ONNX tensor name, unique among
    /// <paramref name="taken"/> (which it joins): also safe as the file name test_&lt;id&gt;.npy. A name without a letter to
    /// start with is prefixed by <paramref name="kind"/> ("input", "output").
    /// </summary>
    private static string TensorId(string name, string kind, HashSet<string> taken)
    {
        const int MaxLength = 32;
        var id = new StringBuilder();
        foreach (char c in name.ToLowerInvariant())
        {
            char kept = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) ? c : '_';
            if (kept != '_' || (id.Length > 0 && id[^1] != '_'))
            {
                id.Append(kept);
            }
        }

        string stem = id.ToString().TrimEnd('_');
        if (stem.Length == 0 || char.IsAsciiDigit(stem[0]))
        {
            stem = kind + "_" + stem;
        }

        stem = stem[..Math.Min(stem.Length, MaxLength)].TrimEnd('_');
        string candidate = stem;
        for (int n = 2; !taken.Add(candidate); n++)
        {
            string suffix = string.Create(CultureInfo.InvariantCulture, $"_{n}");
            candidate = stem[..Math.Min(stem.Length, MaxLength - suffix.Length)] + suffix;
        }

        return candidate;
    }

    private static List<KeyValuePair<string, object?>> Map(params (string Key, object? Value)[] entries) =>
        entries.Select(e => new KeyValuePair<string, object?>(e.Key, e.Value)).ToList();
}

using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Inference;
using SegKit.Interop.BioImageIo;
using SegKit.Onnx;
using SegKit.Testing;
using Xunit.Abstractions;

namespace SegKit.Interop.Tests;

/// <summary>
/// bioimage.io packages both ways. SegKit's own packages (the shipped models, a real sample image) must re-import
/// unchanged and reproduce their test tensors; packages written the way the zoo writes them (built here: a tiny ONNX
/// network, a hand-written rdf.yaml, test tensors computed in the test) must run through SegKit's U-Net path and give the
/// rdf's outputs; and packages that are damaged or cannot be mapped must be refused naming the file and the problem.
/// </summary>
public sealed class BioImageIoTests(ITestOutputHelper output) : IDisposable
{
    private const int Side = 64;

    private readonly string folder = Directory.CreateTempSubdirectory("segkit-bioimageio-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("membranes", "test_logits.npy")]
    [InlineData("nuclei", "test_flows.npy")]
    public void A_shipped_model_exports_to_a_spec_0_5_package_that_reimports_unchanged_and_reproduces_its_test_tensors(string model, string testOutput)
    {
        string modelPath = Path.Combine(RepositoryLayout.Root, "models", model + ".onnx");
        string image = Path.Combine(RepositoryLayout.Root, "models", "samples", "images", "dsb_4be73d68.png");
        string package = Path.Combine(folder, model);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        BioImageExport export = BioImageModelExporter.Export(modelPath, image, package, new BioImageExportOptions { SegKitVersion = "test" });
        double exportSeconds = clock.Elapsed.TotalSeconds;

        // The rdf, read back with the reader: the fields of spec 0.5 that consumers need.
        RdfNode rdf = RdfYaml.Parse(File.ReadAllBytes(Path.Combine(package, "rdf.yaml")), "rdf.yaml");
        Assert.Equal("0.5.4", rdf.Text("format_version"));
        Assert.Equal("model", rdf.Text("type"));
        Assert.Equal("README.md", rdf.Text("documentation"));
        Assert.Equal("cover.png", rdf.List("covers")[0].AsText());
        Assert.Equal(Sha256(File.ReadAllBytes(modelPath)), rdf.Required("weights").Required("onnx").Text("sha256"));
        Assert.Equal(17, rdf.Required("weights").Required("onnx").Required("opset_version").AsInt());
        RdfNode input = rdf.List("inputs")[0];
        Assert.Equal(["batch", "channel", "space", "space"], input.List("axes").Select(a => a.Text("type")));
        RdfNode ySize = input.List("axes")[2].Required("size");
        Assert.Equal(model == "membranes" ? 16 : 8, ySize.Required("step").AsInt()); // 4 and 3 poolings
        RdfNode scale = input.List("preprocessing")[0];
        Assert.Equal("scale_range", scale.Text("id"));
        Assert.Equal(99, scale.Required("kwargs").Number("max_percentile", 0));
        Assert.Equal("image", rdf.List("outputs")[0].List("axes")[2].Required("size").Text("tensor_id"));
        Assert.NotEmpty(rdf.Required("config").Required("segkit").List("not_in_rdf"));
        Assert.Equal([1, model == "membranes" ? 1 : 2, 256, 256], export.TestShape);

        // The zip holds the folder's files, each with the bytes and hash the rdf names.
        using (ZipArchive zip = ZipFile.OpenRead(export.ZipPath))
        {
            Assert.Equal(export.Files.Order(StringComparer.Ordinal), zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
            using var stream = new MemoryStream();
            zip.GetEntry(testOutput)!.Open().CopyTo(stream);
            Assert.Equal(File.ReadAllBytes(Path.Combine(package, testOutput)), stream.ToArray());
        }

        BioImageImport import = BioImageModelImporter.Import(export.ZipPath, "test");

        Assert.True(import.HadSegKitCard);
        Assert.Equal(File.ReadAllBytes(modelPath), import.ModelBytes);
        Assert.Equal(ModelCard.ReadFile(modelPath), import.Card);
        Assert.All(import.PackageTest, c => Assert.Equal(0, c.MaxAbsoluteDifference)); // the same ONNX Runtime, the same input
        Assert.True(import.SegKitTest.MaxAbsoluteDifference < 1e-4, import.SegKitTest.ToString());
        output.WriteLine($"{model}: export {exportSeconds:0.0} s, zip {export.ZipBytes / 1e6:0.00} MB; {import.SegKitTest}");
    }

    [Fact]
    public void A_zoo_package_with_a_sigmoid_postprocessing_runs_through_the_unet_path_and_gives_its_probabilities()
    {
        string package = ZooPackage("sigmoid", new ZooOptions());

        BioImageImport import = BioImageModelImporter.Import(package, "test");

        ModelCard card = import.Card;
        Assert.Equal(SegmentationModelKind.UNet, card.Kind);
        Assert.Equal(["background", "cells"], card.Classes);
        Assert.Equal((1.0, 99.8), (card.LowPercentile, card.HighPercentile));
        Assert.Equal(256, card.TileSize); // the smallest of 16 + 8n from 256 up
        Assert.Contains(import.Notes, n => n.Contains("sigmoid", StringComparison.Ordinal));
        AssertSegmenterGivesTheRdfProbabilities(import);
    }

    [Fact]
    public void A_zoo_package_whose_graph_ends_in_probabilities_is_given_logits_so_softmax_returns_them()
    {
        string package = ZooPackage("probabilities", new ZooOptions { SigmoidInGraph = true });

        BioImageImport import = BioImageModelImporter.Import(package, "test");

        Assert.Contains(import.Notes, n => n.Contains("data range is [0, 1]", StringComparison.Ordinal));
        Assert.Contains(OnnxReader.Read(import.ModelBytes).Graph.Nodes, n => n.OpType == "Log");
        AssertSegmenterGivesTheRdfProbabilities(import);
    }

    [Fact]
    public void A_spec_0_4_package_is_read_too()
    {
        string package = ZooPackage("v04", new ZooOptions { Spec04 = true });

        BioImageImport import = BioImageModelImporter.Import(package, "test");

        Assert.StartsWith("0.4.", import.Description.FormatVersion, StringComparison.Ordinal);
        Assert.Equal(99.8, import.Card.HighPercentile);
        AssertSegmenterGivesTheRdfProbabilities(import);

        // Probabilities from the graph, said by 0.4's data_range.
        BioImageImport probabilities = BioImageModelImporter.Import(ZooPackage("v04-sigmoid", new ZooOptions { Spec04 = true, SigmoidInGraph = true }), "test");
        AssertSegmenterGivesTheRdfProbabilities(probabilities);
    }

    [Fact]
    public void Unknown_and_3d_axes_are_refused_naming_the_rdf_and_the_field()
    {
        string unknown = ZooPackage("unknown-axis", new ZooOptions { InputAxes = "[{type: batch}, {type: channel, channel_names: [raw]}, {type: wavelength, id: y}, {type: space, id: x}]" });
        var e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(unknown, "test"));
        Assert.Equal(Path.Combine(unknown, "rdf.yaml"), e.FilePath);
        Assert.Contains("inputs[0].axes[2].type is 'wavelength', not an axis type of spec 0.5", e.Message);

        string volume = ZooPackage("volume", new ZooOptions { InputAxes = "[{type: batch}, {type: channel, channel_names: [raw]}, {type: space, id: z, size: 1}, {type: space, id: y, size: 64}, {type: space, id: x, size: 64}]", TestShape = [1, 1, 1, Side, Side] });
        e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(volume, "test"));
        Assert.Contains("a 3D model; SegKit segments 2D images", e.Message);
        output.WriteLine(e.Message);
    }

    [Fact]
    public void A_missing_weight_file_and_a_wrong_hash_are_refused_naming_the_file()
    {
        string missing = ZooPackage("missing", new ZooOptions());
        File.Delete(Path.Combine(missing, "weights.onnx"));
        var e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(missing, "test"));
        Assert.Equal($"{missing}/weights.onnx: is named in the rdf but missing from the package", e.Message);

        string replaced = ZooPackage("replaced", new ZooOptions());
        byte[] weights = File.ReadAllBytes(Path.Combine(replaced, "weights.onnx"));
        weights[^1] ^= 1;
        File.WriteAllBytes(Path.Combine(replaced, "weights.onnx"), weights);
        e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(replaced, "test"));
        Assert.Contains("weights.onnx: has SHA-256", e.Message);
        Assert.Contains("(damaged or replaced)", e.Message);

        // A source that leaves the package is never read.
        string escaping = ZooPackage("escaping", new ZooOptions { WeightsSource = "../escaping/weights.onnx" });
        e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(escaping, "test"));
        Assert.Contains("missing from the package", e.Message);
    }

    [Fact]
    public void A_package_whose_test_output_does_not_reproduce_is_refused_naming_the_difference()
    {
        string package = ZooPackage("drift", new ZooOptions { Drift = 0.01f });

        var e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(package, "test"));

        Assert.Equal(Path.Combine(package, "test_output.npy").Replace('\\', '/'), e.FilePath);
        Assert.Contains("is not reproduced by the package's ONNX weights", e.Message);
        Assert.Contains("1 of 4096 elements outside 0.0001 + 0.001 x |expected|", e.Message);
        Assert.Contains("worst at [0, 0, 10, 20]", e.Message);
        output.WriteLine(e.Message);

        // Within a tolerance the rdf gives, the same package passes.
        string tolerant = ZooPackage("tolerant", new ZooOptions { Drift = 0.01f, Tolerance = "{absolute_tolerance: 0.02, relative_tolerance: 0.0}" });
        BioImageImport import = BioImageModelImporter.Import(tolerant, "test");
        Assert.InRange(import.PackageTest[0].MaxAbsoluteDifference, 0.009, 0.011);
    }

    [Fact]
    public void A_zero_mean_unit_variance_package_runs_through_the_unet_path_and_gives_its_probabilities()
    {
        string package = ZooPackage("zmuv", new ZooOptions { Preprocessing = "[{id: zero_mean_unit_variance, kwargs: {axes: [y, x], eps: 1.0e-6}}]", ZeroMeanUnitVariance = true });

        BioImageImport import = BioImageModelImporter.Import(package, "test");

        Assert.True(import.Card.ZeroMeanUnitVariance);
        Assert.Equal(1e-6, import.Card.NormalizeEpsilon);
        AssertSegmenterGivesTheRdfProbabilities(import, zeroMeanUnitVariance: true);
    }

    [Fact]
    public void A_zero_mean_unit_variance_model_exports_that_preprocessing_and_reimports()
    {
        BioImageImport zoo = BioImageModelImporter.Import(ZooPackage("zmuv-source", new ZooOptions { Preprocessing = "[{id: zero_mean_unit_variance, kwargs: {axes: [y, x], eps: 1.0e-6}}]", ZeroMeanUnitVariance = true }), "test");
        string modelPath = Path.Combine(folder, "zmuv.onnx");
        File.WriteAllBytes(modelPath, zoo.ModelBytes);
        string image = Path.Combine(RepositoryLayout.Root, "models", "samples", "images", "dsb_4be73d68.png");

        BioImageExport export = BioImageModelExporter.Export(modelPath, image, Path.Combine(folder, "zmuv-export"), new BioImageExportOptions { SegKitVersion = "test" });

        RdfNode step = RdfYaml.Parse(File.ReadAllBytes(Path.Combine(folder, "zmuv-export", "rdf.yaml")), "rdf.yaml").List("inputs")[0].List("preprocessing")[0];
        Assert.Equal("zero_mean_unit_variance", step.Text("id"));
        Assert.Equal(1e-6, step.Required("kwargs").Number("eps", 0));
        BioImageImport again = BioImageModelImporter.Import(export.ZipPath, "test");
        Assert.True(again.Card.ZeroMeanUnitVariance);
        Assert.True(again.SegKitTest.Passed, again.SegKitTest.ToString());
    }

    [Fact]
    public void A_card_dated_before_1980_exports_a_zip_with_the_earliest_time_zip_can_hold()
    {
        // An rdf timestamp of 1970 (a zeroed clock) becomes the card's TrainedAt; zip's DOS dates start in 1980.
        BioImageImport zoo = BioImageModelImporter.Import(ZooPackage("epoch-source", new ZooOptions { Timestamp = "1970-01-01T00:00:00Z" }), "test");
        Assert.Equal(1970, zoo.Card.TrainedAt.Year);
        string modelPath = Path.Combine(folder, "epoch.onnx");
        File.WriteAllBytes(modelPath, zoo.ModelBytes);
        string image = Path.Combine(RepositoryLayout.Root, "models", "samples", "images", "dsb_4be73d68.png");

        BioImageExport export = BioImageModelExporter.Export(modelPath, image, Path.Combine(folder, "epoch-export"), new BioImageExportOptions { SegKitVersion = "test" });

        using (ZipArchive zip = ZipFile.OpenRead(export.ZipPath))
        {
            Assert.All(zip.Entries, e => Assert.Equal(1980, e.LastWriteTime.Year));
        }

        Assert.True(BioImageModelImporter.Import(export.ZipPath, "test").SegKitTest.Passed);
    }

    [Fact]
    public void An_output_of_another_rank_than_the_rdf_gives_is_refused_before_postprocessing_indexes_it()
    {
        // The graph squeezes the channel away ([N, H, W]) while the rdf gives the output four axes and a step over y and x.
        string squeezed = ZooPackage("squeezed", new ZooOptions { SqueezedOutput = true, Postprocessing = "[{id: zero_mean_unit_variance, kwargs: {axes: [y, x]}}]" });
        var e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(squeezed, "test"));
        Assert.Equal(Path.Combine(squeezed, "test_output.npy"), e.FilePath);
        Assert.Contains("is a [1, 1, 64, 64] tensor but the ONNX weights give [1, 64, 64] for the test input", e.Message);

        // The step itself reports the mismatch instead of indexing past the shape.
        var step = new BioImageProcessingStep { Id = "zero_mean_unit_variance", Axes = ["y", "x"] };
        Assert.Equal("zero_mean_unit_variance is given a tensor of 3 dimensions [1, 8, 8] but the rdf names 4 axes (batch, channel, y, x)", step.Apply(new float[64], [1, 8, 8], ["batch", "channel", "y", "x"]));
        Assert.Equal("zero_mean_unit_variance is given 63 values for a tensor of shape [1, 1, 8, 8]", step.Apply(new float[63], [1, 1, 8, 8], ["batch", "channel", "y", "x"]));
    }

    [Fact]
    public void Weights_whose_graph_has_no_input_are_refused_naming_them()
    {
        string package = ZooPackage("no-input", new ZooOptions { NoGraphInput = true });
        var e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(package, "test"));
        Assert.Equal(Path.Combine(package, "weights.onnx"), e.FilePath);
        Assert.Contains("its graph has no inputs", e.Message);
    }

    [Fact]
    public void A_test_tensor_with_a_bad_shape_or_a_lying_header_length_is_refused_without_allocating_it()
    {
        string letters = ZooPackage("npy-shape", new ZooOptions { TestInputNpy = NpyV1("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, a, 64), }", new byte[Side * Side * 4]) });
        var e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(letters, "test"));
        Assert.Equal(Path.Combine(letters, "test_input.npy"), e.FilePath);
        Assert.Contains("the shape (1, 1, a, 64) has 'a', not a whole number", e.Message);

        // 28 bytes: a version 2 header that claims 0x7FFFFF00 bytes once made the reader allocate 2 GB before failing.
        byte[] lying = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0, 0x00, 0xFF, 0xFF, 0x7F, .. new byte[16]];
        string header = ZooPackage("npy-header", new ZooOptions { TestInputNpy = lying });
        long before = GC.GetAllocatedBytesForCurrentThread();
        e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(header, "test"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("the header claims 2147483392 bytes, more than the 16 bytes left in the file", e.Message);
        Assert.True(allocated < 64 << 20, $"a 28-byte .npy allocated {allocated} bytes");

        // A stream that cannot say its length gets a fixed limit instead.
        using var pipe = new UnseekableStream(lying);
        Assert.Contains("more than 1048576 bytes", Assert.Throws<InvalidDataException>(() => NpyFile.Read(pipe)).Message);
    }

    private static byte[] NpyV1(string dictionary, byte[] data)
    {
        string header = dictionary + new string(' ', (64 - ((10 + dictionary.Length + 1) % 64)) % 64) + "\n";
        return [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8), .. Encoding.ASCII.GetBytes(header), .. data];
    }

    [Fact]
    public void Links_that_lead_out_of_a_package_folder_are_not_followed()
    {
        // rdf.yaml linked to /dev/zero: its length is 0, and reading it once went on for 4 GB.
        string zero = ZooPackage("dev-zero", new ZooOptions());
        File.Delete(Path.Combine(zero, "rdf.yaml"));
        File.CreateSymbolicLink(Path.Combine(zero, "rdf.yaml"), "/dev/zero");
        var e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(zero, "test"));
        Assert.Equal($"{zero}/rdf.yaml", e.FilePath);
        Assert.Contains("is a link that leads out of the package folder", e.Message);

        // The weights, by a relative link to a file beside the package, and through a linked folder.
        string outside = ZooPackage("outside", new ZooOptions());
        File.Move(Path.Combine(outside, "weights.onnx"), Path.Combine(folder, "outside-weights.onnx"));
        File.CreateSymbolicLink(Path.Combine(outside, "weights.onnx"), "../outside-weights.onnx");
        e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(outside, "test"));
        Assert.Equal($"{outside}/weights.onnx", e.FilePath);
        Assert.Contains("leads out of the package folder", e.Message);

        string linkedFolder = ZooPackage("linked-folder", new ZooOptions { WeightsSource = "sub/weights.onnx" });
        Directory.CreateDirectory(Path.Combine(folder, "elsewhere"));
        File.Move(Path.Combine(linkedFolder, "weights.onnx"), Path.Combine(folder, "elsewhere", "weights.onnx"));
        Directory.CreateSymbolicLink(Path.Combine(linkedFolder, "sub"), Path.Combine(folder, "elsewhere"));
        e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(linkedFolder, "test"));
        Assert.Contains("leads out of the package folder", e.Message);

        // A link that stays inside the package is followed.
        string inside = ZooPackage("inside", new ZooOptions());
        Directory.CreateDirectory(Path.Combine(inside, "data"));
        File.Move(Path.Combine(inside, "weights.onnx"), Path.Combine(inside, "data", "weights.onnx"));
        File.CreateSymbolicLink(Path.Combine(inside, "weights.onnx"), "data/weights.onnx");
        Assert.True(BioImageModelImporter.Import(inside, "test").SegKitTest.Passed);
    }

    [Fact]
    public async Task A_named_pipe_or_an_empty_file_in_a_package_folder_is_refused_without_waiting()
    {
        string pipe = ZooPackage("pipe", new ZooOptions());
        File.Delete(Path.Combine(pipe, "weights.onnx"));
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(pipe, "weights.onnx")]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Opening the pipe would wait for a writer forever: the import must answer, and answer at once.
        ModelFileException e = await Task.Run(() => Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(pipe, "test"))).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal($"{pipe}/weights.onnx", e.FilePath);
        Assert.Contains("is empty, or not a regular file (a named pipe, a device)", e.Message);

        string empty = ZooPackage("empty-rdf", new ZooOptions());
        File.WriteAllBytes(Path.Combine(empty, "rdf.yaml"), []);
        e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(empty, "test"));
        Assert.Equal($"{empty}/rdf.yaml", e.FilePath);
        Assert.Contains("is empty", e.Message);
    }

    [Theory]
    [InlineData("x/../../escaped", "x_escaped")]
    [InlineData("out/logits", "out_logits")]
    [InlineData("logits:0", "logits_0")]
    [InlineData("Input", "input_2")]
    [InlineData("0-ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghij", "output_0_abcdefghijklmnopqrstuvw")]
    public void Onnx_output_names_become_valid_tensor_ids_and_file_names_that_stay_in_the_folder(string onnxName, string id)
    {
        // The graph output is renamed by an Identity node behind it.
        string exported = Path.Combine(folder, "named-export");
        BioImageExport export = ExportRenamed(exported, graph =>
        {
            OnnxValueInfo last = graph.Outputs[0];
            graph.Nodes.Add(new OnnxNode("Identity", [last.Name], [onnxName]));
            graph.Outputs[0] = new OnnxValueInfo(onnxName, last.ElementType, last.Shape);
        });

        Assert.Equal(id, RdfYaml.Parse(File.ReadAllBytes(Path.Combine(exported, "rdf.yaml")), "rdf.yaml").List("outputs")[0].Text("id"));
        Assert.Contains($"test_{id}.npy", export.Files);
        Assert.Empty(Directory.GetDirectories(exported));
        Assert.Empty(Directory.GetFiles(folder, "escaped*"));
        Assert.True(BioImageModelImporter.Import(export.ZipPath, "test").SegKitTest.Passed);
    }

    [Theory]
    [InlineData("input.1", "input_1")]
    [InlineData("x:0", "x_0")]
    [InlineData("RAW/../image", "raw_image")]
    [InlineData("0", "input_0")]
    public void An_onnx_input_name_becomes_a_valid_tensor_id_that_the_outputs_refer_to(string onnxName, string id)
    {
        // The graph input is renamed by an Identity node in front of it.
        string exported = Path.Combine(folder, "input-named-export");
        BioImageExport export = ExportRenamed(exported, graph =>
        {
            OnnxValueInfo first = graph.Inputs[0];
            graph.Nodes.Insert(0, new OnnxNode("Identity", [onnxName], [first.Name]));
            graph.Inputs[0] = new OnnxValueInfo(onnxName, first.ElementType, first.Shape);
        });

        RdfNode rdf = RdfYaml.Parse(File.ReadAllBytes(Path.Combine(exported, "rdf.yaml")), "rdf.yaml");
        Assert.Equal(id, rdf.List("inputs")[0].Text("id"));
        string yaml = File.ReadAllText(Path.Combine(exported, "rdf.yaml"));
        Assert.DoesNotContain($"id: \"{onnxName}\"", yaml);
        Assert.Contains($"tensor_id: \"{id}\"", yaml);
        Assert.Contains("test_input.npy", export.Files);
        Assert.True(BioImageModelImporter.Import(export.ZipPath, "test").SegKitTest.Passed);
    }

    /// <summary>Exports a SegKit model (card included) whose graph <paramref name="rename"/> changed, to <paramref name="exported"/>.</summary>
    private BioImageExport ExportRenamed(string exported, Action<OnnxGraph> rename)
    {
        OnnxModel model = OnnxReader.Read(BioImageModelImporter.Import(ZooPackage(Path.GetFileName(exported) + "-source", new ZooOptions()), "test").ModelBytes);
        rename(model.Graph);
        string modelPath = exported + ".onnx";
        File.WriteAllBytes(modelPath, OnnxWriter.ToBytes(model));
        string image = Path.Combine(RepositoryLayout.Root, "models", "samples", "images", "dsb_4be73d68.png");
        return BioImageModelExporter.Export(modelPath, image, exported, new BioImageExportOptions { SegKitVersion = "test" });
    }

    [Fact]
    public void Preprocessing_the_card_cannot_express_is_refused_after_the_package_proves_itself()
    {
        // Two steps (the second a no-op here), and normalising over the batch as well: the package test runs them; the card cannot express them.
        string twoSteps = ZooPackage("two-steps", new ZooOptions { Preprocessing = "[{id: scale_range, kwargs: {axes: [y, x], min_percentile: 1, max_percentile: 99.8}}, {id: clip, kwargs: {min: -1000.0, max: 1000.0}}]" });
        var e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(twoSteps, "test"));
        Assert.Contains("inputs[0].preprocessing is (scale_range, clip)", e.Message);

        string batch = ZooPackage("batch-zmuv", new ZooOptions { Preprocessing = "[{id: zero_mean_unit_variance, kwargs: {axes: [batch, y, x]}}]", ZeroMeanUnitVariance = true });
        e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(batch, "test"));
        Assert.Contains("normalises over axes (batch, y, x)", e.Message);
    }

    [Fact]
    public void Several_inputs_and_text_that_is_not_an_rdf_are_refused()
    {
        string two = ZooPackage("two-inputs", new ZooOptions { SecondInput = true });
        Assert.Contains("inputs has 2 tensors (raw, mask); SegKit runs networks with one image input", Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(two, "test")).Message);

        string deep = Path.Combine(folder, "deep");
        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(deep, "rdf.yaml"), "format_version: " + new string('[', 5000) + new string(']', 5000));
        Assert.Contains("nests deeper than 64 levels", Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(deep, "test")).Message);

        File.WriteAllText(Path.Combine(deep, "rdf.yaml"), "format_version: [unclosed\n  - {");
        var e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(deep, "test"));
        Assert.Equal($"{deep}/rdf.yaml", e.FilePath);
        Assert.Contains("is not valid YAML (line", e.Message);
    }

    [Fact]
    public void An_output_that_is_not_float32_and_a_step_without_its_values_are_refused_naming_them()
    {
        string ints = ZooPackage("int-output", new ZooOptions { Int64Output = true });
        var e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(ints, "test"));
        Assert.Contains("its output 'counts' holds Int64, not float32 values", e.Message);

        string clip = ZooPackage("bare-clip", new ZooOptions { Preprocessing = "[{id: clip}]" });
        e = Assert.Throws<ModelFileException>(() => BioImageModelImporter.Import(clip, "test"));
        Assert.Contains("has no kwargs; clip needs its values", e.Message);
    }

    private void AssertSegmenterGivesTheRdfProbabilities(BioImageImport import, bool zeroMeanUnitVariance = false)
    {
        string modelPath = Path.Combine(folder, "imported.onnx");
        File.WriteAllBytes(modelPath, import.ModelBytes);
        var (image, expected) = ZooTensors(zeroMeanUnitVariance);
        using SegmentationModel model = SegmentationModel.Load(modelPath, intraOpThreads: 2);
        SegmentationResult result = model.CreateSegmenter().Segment(new Image(1, Side, Side, image));
        double worst = expected.Zip(result.Probability!, (e, a) => Math.Abs(e - a)).Max();
        output.WriteLine($"segkit segment vs the rdf's probabilities: max |difference| {worst:G3}; {import.SegKitTest}");
        Assert.True(worst < 1e-4, $"the imported model's probabilities differ from the package's by {worst}");
        Assert.True(import.SegKitTest.Passed);
    }

    private sealed record ZooOptions
    {
        public bool SigmoidInGraph { get; init; }

        public bool Spec04 { get; init; }

        public string? InputAxes { get; init; }

        public int[] TestShape { get; init; } = [1, 1, Side, Side];

        public string? Preprocessing { get; init; }

        public string WeightsSource { get; init; } = "weights.onnx";

        public float Drift { get; init; }

        public string? Tolerance { get; init; }

        public bool SecondInput { get; init; }

        /// <summary>The graph's output cast to int64.</summary>
        public bool Int64Output { get; init; }

        public string Postprocessing { get; init; } = "[{id: sigmoid}]";

        /// <summary>Bytes for test_input.npy in place of the real tensor (hashed into the rdf all the same).</summary>
        public byte[]? TestInputNpy { get; init; }

        public string Timestamp { get; init; } = "2025-01-02T03:04:05Z";

        /// <summary>The graph's output squeezed to [N, H, W] while the rdf still gives it four axes.</summary>
        public bool SqueezedOutput { get; init; }

        /// <summary>The graph convolves a constant and has no inputs at all.</summary>
        public bool NoGraphInput { get; init; }

        /// <summary>The test output as zero_mean_unit_variance (over y and x) would make it, instead of scale_range.</summary>
        public bool ZeroMeanUnitVariance { get; init; }
    }

    /// <summary>A raw test image (bright blobs on a dim ramp) and what the zoo model gives for it: sigmoid(2 x scale_range(x, 1, 99.8) - 1).</summary>
    private static (float[] Image, float[] Probabilities) ZooTensors(bool zeroMeanUnitVariance = false)
    {
        var random = new Random(15);
        var image = new float[Side * Side];
        for (int y = 0; y < Side; y++)
        {
            for (int x = 0; x < Side; x++)
            {
                double blob = Math.Exp(-(((x - 20) * (x - 20)) + ((y - 30) * (y - 30))) / 60.0);
                image[(y * Side) + x] = (float)(200 + (3 * x) + (3000 * blob) + random.Next(50));
            }
        }

        float[] sorted = image.Order().ToArray();
        double Percentile(double p)
        {
            double position = p / 100 * (sorted.Length - 1);
            int k = (int)Math.Floor(position);
            return k + 1 < sorted.Length ? sorted[k] + ((sorted[k + 1] - sorted[k]) * (position - k)) : sorted[k];
        }

        double low = Percentile(1);
        double high = Percentile(99.8);
        if (zeroMeanUnitVariance)
        {
            double mean = image.Average(v => (double)v);
            double std = Math.Sqrt(image.Average(v => (v - mean) * (v - mean)));
            (low, high) = (mean, mean + std);
        }

        return (image, image.Select(v => (float)(1 / (1 + Math.Exp(-((2 * (v - low) / (high - low + 1e-6)) - 1))))).ToArray());
    }

    /// <summary>A package as a zoo exporter writes one: a 1x1 convolution (2x - 1), with or without a sigmoid in the graph.</summary>
    private string ZooPackage(string name, ZooOptions options)
    {
        string package = Path.Combine(folder, name);
        Directory.CreateDirectory(package);
        var builder = new GraphBuilder("zoo");
        string raw = options.NoGraphInput
            ? builder.Initializer("c", new float[Side * Side], 1, 1, Side, Side)
            : builder.Input("raw", OnnxElementType.Float, "N", 1, "H", "W");
        string logit = builder.Node("Conv", [raw, builder.Initializer("w", [2f], 1, 1, 1, 1), builder.Initializer("b", [-1f], 1)], "logit", OnnxAttribute.Of("kernel_shape", 1L, 1L));
        string result = options.SigmoidInGraph ? builder.Node("Sigmoid", [logit], "prob") : logit;
        if (options.SqueezedOutput)
        {
            builder.Output(builder.Node("Squeeze", [result, builder.Initializer("axes", new long[] { 1 }, 1)], "squeezed"), OnnxElementType.Float, "N", "H", "W");
        }
        else if (options.Int64Output)
        {
            builder.Output(builder.Node("Cast", [result], "counts", OnnxAttribute.Of("to", 7L)), OnnxElementType.Int64, "N", 1, "H", "W");
        }
        else
        {
            builder.Output(result, OnnxElementType.Float, "N", 1, "H", "W");
        }

        byte[] weights = OnnxWriter.ToBytes(builder.ToModel(opset: 13));
        File.WriteAllBytes(Path.Combine(package, "weights.onnx"), weights);

        var (image, probabilities) = ZooTensors(options.ZeroMeanUnitVariance);
        probabilities[(10 * Side) + 20] += options.Drift;
        NpyFile.Write(Path.Combine(package, "test_input.npy"), image, options.TestShape);
        if (options.TestInputNpy is { } npy)
        {
            File.WriteAllBytes(Path.Combine(package, "test_input.npy"), npy);
        }

        NpyFile.Write(Path.Combine(package, "test_output.npy"), probabilities, 1, 1, Side, Side);
        string inputSha = Sha256(File.ReadAllBytes(Path.Combine(package, "test_input.npy")));
        string outputSha = Sha256(File.ReadAllBytes(Path.Combine(package, "test_output.npy")));
        string weightsSha = Sha256(weights);
        string rdf = options.Spec04
            ? $$"""
                format_version: 0.4.10
                type: model
                name: zoo-like {{name}}
                description: a 1x1 convolution
                authors: [{name: Test}]
                cite: [{text: test, doi: 10.1000/test}]
                license: MIT
                documentation: README.md
                inputs:
                  - name: raw
                    axes: bcyx
                    data_type: float32
                    shape: {min: [1, 1, 16, 16], step: [0, 0, 8, 8]}
                    preprocessing:
                      - name: scale_range
                        kwargs: {mode: per_sample, axes: yx, min_percentile: 1, max_percentile: 99.8}
                outputs:
                  - name: cells
                    axes: bcyx
                    data_type: float32
                    shape: {reference_tensor: raw, scale: [1, 1, 1, 1], offset: [0, 0, 0, 0]}
                    {{(options.SigmoidInGraph ? "data_range: [0.0, 1.0]" : "postprocessing: [{name: sigmoid}]")}}
                test_inputs: [test_input.npy]
                test_outputs: [test_output.npy]
                weights:
                  onnx: {source: {{options.WeightsSource}}, sha256: {{weightsSha}}, opset_version: 13}
                """
            : $$"""
                format_version: 0.5.3
                type: model
                name: zoo-like {{name}}
                description: a 1x1 convolution
                authors: [{name: Test}]
                cite: [{text: test, doi: 10.1000/test}]
                license: MIT
                documentation: README.md
                timestamp: '{{options.Timestamp}}'
                inputs:
                  - id: raw
                    axes: {{options.InputAxes ?? "[{type: batch}, {type: channel, channel_names: [raw]}, {type: space, id: y, size: {min: 16, step: 8}}, {type: space, size: {min: 16, step: 8}}]"}}
                    test_tensor: {source: test_input.npy, sha256: {{inputSha}}}
                    preprocessing: {{options.Preprocessing ?? "[{id: ensure_dtype, kwargs: {dtype: float32}}, {id: scale_range, kwargs: {axes: [x, y], min_percentile: 1.0, max_percentile: 99.8}}]"}}
                {{(options.SecondInput ? "  - id: mask\n    axes: [{type: batch}, {type: channel, channel_names: [m]}, {type: space, id: y}, {type: space, id: x}]\n    test_tensor: {source: test_input.npy}\n" : "")}}outputs:
                  - id: cells
                    axes:
                      - type: batch
                      - type: channel
                        channel_names: [cells]
                      - {type: space, id: y, size: {tensor_id: raw, axis_id: y}, halo: 8}
                      - {type: space, id: x, size: {tensor_id: raw, axis_id: x}, halo: 8}
                    test_tensor: {source: test_output.npy, sha256: {{outputSha}}}
                    {{(options.SigmoidInGraph ? "data: {type: float32, range: [0.0, 1.0]}" : $"postprocessing: {options.Postprocessing}")}}
                weights:
                  onnx:
                    source: {{options.WeightsSource}}
                    sha256: {{weightsSha}}
                    opset_version: 13
                  torchscript: {source: weights.pt, pytorch_version: 2.1}
                {{(options.Tolerance is null ? "" : $"config:\n  bioimageio:\n    reproducibility_tolerance: [{options.Tolerance}]\n")}}
                """;
        File.WriteAllText(Path.Combine(package, "rdf.yaml"), rdf, new UTF8Encoding(false));
        return package;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Core.Metrics;
using SegKit.Export;
using SegKit.Imaging;
using SegKit.Inference;
using SegKit.Interop.Cellpose;
using SegKit.Onnx;
using SegKit.Testing;
using SegKit.Training.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SegKit.Interop.Tests;

/// <summary>
/// The real Cellpose v3.1.1.2 model in ../shared/fixtures/cellpose-v3-model (26.5 MB, kept out of the repository) and
/// what Cellpose computed with it: SegKit must read it, compute the same network output, and find the same nuclei.
/// </summary>
public sealed class CellposeReferenceTests(ITestOutputHelper output)
{
    private static readonly string[] Images = ["0e132f71", "7f4cbe0b", "df40099c"];

    private static string Fixture => Path.GetFullPath(Path.Combine(RepositoryLayout.Root, "..", "shared", "fixtures", "cellpose-v3-model"));

    private static string ModelPath => Path.Combine(Fixture, "cellpose_dsb36");

    [SharedDataFact]
    [Trait("Category", RepositoryLayout.SharedDataCategory)]
    public void Real_Cellpose_file_reads_as_CPnet_with_default_widths_and_its_diameters()
    {
        CellposeModelFile file = CellposeModelFile.Read(ModelPath);

        Assert.Equal([32, 64, 128, 256], file.Options.Widths);
        Assert.Equal(2, file.Options.InputChannels);
        Assert.Equal(3, file.Options.OutputChannels);
        Assert.Equal(3, file.Options.Kernel);
        Assert.Equal(17.0, file.DiameterMean);
        Assert.Equal(25.589405059814453, file.DiameterLabels!.Value, 6);
        Assert.Equal(313, file.Tensors.Count);

        // Every CPnet tensor has a SegKit place and back: the mapping is a bijection on this file's names.
        foreach (var (name, _) in file.Tensors.Where(t => t.Key is not ("diam_mean" or "diam_labels")))
        {
            string segKit = CellposeKeyMap.ToSegKit(name) ?? throw new Xunit.Sdk.XunitException($"no SegKit name for {name}");
            Assert.Equal(name, CellposeKeyMap.ToCellpose(segKit));
        }
    }

    [SharedDataFact]
    [Trait("Category", RepositoryLayout.SharedDataCategory)]
    public void Imported_network_reproduces_Cellposes_output_and_style_in_TorchSharp_and_after_ONNX_export()
    {
        CellposeModelFile file = CellposeModelFile.Read(ModelPath);
        using CellposeNet net = CellposeModelImporter.CreateNetwork(file);
        NpyArray input = NpyFile.Read(Path.Combine(Fixture, "net_input.npy"));
        float[] expected = NpyFile.Read(Path.Combine(Fixture, "net_output.npy")).ToSingle();
        float[] expectedStyle = NpyFile.Read(Path.Combine(Fixture, "net_style.npy")).ToSingle();
        Assert.Equal([1, 2, 224, 224], input.Shape);

        float[] torchOutput;
        float[] torchStyle;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var (y, style) = net.forward(tensor(input.ToSingle(), [1, 2, 224, 224]));
            torchOutput = y.data<float>().ToArray();
            torchStyle = style.data<float>().ToArray();
        }

        double outputDifference = MaxDifference(expected, torchOutput);
        double styleDifference = MaxDifference(expectedStyle, torchStyle);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"TorchSharp vs Cellpose: output max |diff| {outputDifference:G3} (output range {expected.Min():0.00}..{expected.Max():0.00}), style {styleDifference:G3}"));
        Assert.True(outputDifference < 1e-4, $"output differs from Cellpose's by {outputDifference}");
        Assert.True(styleDifference < 1e-4, $"style differs from Cellpose's by {styleDifference}");

        ModelCard card = CellposeModelImporter.CreateCard(file, null, null, "test");
        byte[] onnx = OnnxWriter.ToBytes(CellposeNetExporter.Export(net, card));
        using var session = OnnxSessions.Open(onnx, "imported model", intraOpThreads: 2);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(CellposeNetExporter.InputName, new DenseTensor<float>(input.ToSingle(), [1, 2, 224, 224]))]);
        float[] onnxOutput = results.First(r => r.Name == CellposeNetExporter.OutputName).AsTensor<float>().ToArray();
        float[] onnxStyle = results.First(r => r.Name == CellposeNetExporter.StyleName).AsTensor<float>().ToArray();
        double onnxDifference = MaxDifference(expected, onnxOutput);
        double onnxStyleDifference = MaxDifference(expectedStyle, onnxStyle);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ONNX Runtime vs Cellpose: output max |diff| {onnxDifference:G3}, style {onnxStyleDifference:G3}"));
        Assert.True(onnxDifference < 1e-4, $"ONNX output differs from Cellpose's by {onnxDifference}");
        Assert.True(onnxStyleDifference < 1e-4, $"ONNX style differs from Cellpose's by {onnxStyleDifference}");
    }

    [SharedDataFact]
    [Trait("Category", RepositoryLayout.SharedDataCategory)]
    public void Imported_model_computes_Cellposes_flows_and_finds_its_masks_at_diameter_17()
    {
        CellposeModelFile file = CellposeModelFile.Read(ModelPath);
        string onnxPath = Path.Combine(Path.GetTempPath(), $"segkit-cellpose-import-{Environment.ProcessId}.onnx");
        try
        {
            using (CellposeNet net = CellposeModelImporter.CreateNetwork(file))
            {
                OnnxWriter.WriteFile(onnxPath, CellposeNetExporter.Export(net, CellposeModelImporter.CreateCard(file, null, null, "test")));
            }

            using SegmentationModel model = SegmentationModel.Load(onnxPath, intraOpThreads: 2);
            ModelSegmenter segmenter = model.CreateSegmenter(new SegmentOptions { Diameter = 17 });
            string images = Path.Combine(RepositoryLayout.Data, "nuclei-dsb2018", "val", "images");
            foreach (string name in Images)
            {
                string image = Directory.GetFiles(images, name + "*").Single();
                NpyArray masks = NpyFile.Read(Path.Combine(Fixture, name + ".masks.npy"));
                var truth = new LabelImage(masks.Shape[0], masks.Shape[1], masks.ToInt32());
                var clock = System.Diagnostics.Stopwatch.StartNew();
                SegmentationResult result = segmenter.Segment(ImageFile.Read(image), image);
                double seconds = clock.Elapsed.TotalSeconds;
                LabelImage labels = result.Labels;
                ThresholdScores scores = InstanceMetrics.Evaluate(truth, labels, [0.5]).At(0.5);

                // The whole front half (grey, normalize99, Cellpose's zero padding, tiles, taper blending) as Cellpose runs it.
                double flows = MaxDifference(NpyFile.Read(Path.Combine(Fixture, name + ".flows.npy")).ToSingle(), result.Flows!.Data.ToArray());
                double probability = MaxDifference(NpyFile.Read(Path.Combine(Fixture, name + ".cellprob.npy")).ToSingle(), result.Probability!);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {labels.MaxLabel} objects (Cellpose {truth.MaxLabel}), AP@0.5 {scores.AveragePrecision:0.000} vs Cellpose's masks; flows max |diff| {flows:G3}, cell probability {probability:G3}; {seconds:0.00} s"));
                Assert.True(flows < 1e-4 && probability < 1e-4, $"{name}: flows differ from Cellpose's by {flows}, cell probability by {probability}");
                Assert.True(truth.MaxLabel > 5, $"{name}: Cellpose found {truth.MaxLabel} objects; the comparison would prove little");
                Assert.True(scores.AveragePrecision >= 0.98, $"{name}: AP@0.5 {scores.AveragePrecision:0.000} against Cellpose's masks ({labels.MaxLabel} objects vs {truth.MaxLabel})");
            }
        }
        finally
        {
            File.Delete(onnxPath);
        }
    }

    private static double MaxDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)expected[i] - actual[i]));
        }

        return max;
    }
}

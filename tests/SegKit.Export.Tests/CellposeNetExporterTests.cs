using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SegKit.Inference;
using SegKit.Onnx;
using SegKit.Training;
using SegKit.Training.Models;
using TorchSharp;

namespace SegKit.Export.Tests;

public class CellposeNetExporterTests
{
    public CellposeNetExporterTests() => TorchRuntime.EnsureLoaded();

    /// <summary>A small network with non-trivial batch-norm statistics (a few forward passes in training mode).</summary>
    private static CellposeNet TrainedLooking(IReadOnlyList<int> widths)
    {
        torch.manual_seed(5);
        var net = new CellposeNet(new CellposeNetOptions { Widths = widths });
        net.train();
        using (var scope = torch.NewDisposeScope())
        {
            for (int i = 0; i < 3; i++)
            {
                net.forward((torch.randn(2, 2, 32, 32) * 2) + 0.5);
            }
        }

        net.eval();
        return net;
    }

    [Theory]
    [InlineData(1, 32, 32)]
    [InlineData(2, 48, 64)]
    [InlineData(1, 224, 224)]
    public void Onnx_runtime_output_equals_torchsharp_output(int batch, int height, int width)
    {
        using var net = TrainedLooking([8, 16, 32]);
        byte[] model = OnnxWriter.ToBytes(CellposeNetExporter.Export(net));
        using var session = OnnxSessions.Open(model, "cellpose-test", intraOpThreads: 2);

        using var scope = torch.NewDisposeScope();
        torch.manual_seed(9);
        var input = torch.randn(batch, 2, height, width);
        var (expected, expectedStyle) = net.forward(input);
        float[] inputData = input.data<float>().ToArray();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(CellposeNetExporter.InputName, new DenseTensor<float>(inputData, [batch, 2, height, width]))]);
        float[] actual = results.First(r => r.Name == CellposeNetExporter.OutputName).AsTensor<float>().ToArray();
        float[] style = results.First(r => r.Name == CellposeNetExporter.StyleName).AsTensor<float>().ToArray();
        float[] reference = expected.data<float>().ToArray();
        Assert.Equal(reference.Length, actual.Length);
        double maxDiff = reference.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff < 1e-4, $"max |ONNX - TorchSharp| = {maxDiff}");
        double styleDiff = expectedStyle.data<float>().ToArray().Zip(style, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(styleDiff < 1e-5, $"style max diff {styleDiff}");
    }

    [Fact]
    public void The_default_network_exports_with_its_card()
    {
        using var net = new CellposeNet();
        net.eval();
        var card = new ModelCard
        {
            Kind = SegmentationModelKind.Cellpose,
            InputChannels = ["cytoplasm", "nucleus"],
            Diameter = 30,
            TileSize = 224,
            TrainingData = "none (random weights)",
            SegKitVersion = "test",
        };
        OnnxModel model = CellposeNetExporter.Export(net, card);
        string path = Path.Combine(Directory.CreateTempSubdirectory("segkit-export-").FullName, "cp.onnx");
        OnnxWriter.WriteFile(path, model);
        var info = OnnxModelInfo.Read(path);
        Assert.Equal(CellposeNetExporter.InputName, info.Inputs[0].Name);
        Assert.Equal(card, ModelCard.ReadFile(path));
        Assert.InRange(new FileInfo(path).Length, 26_000_000, 27_000_000); // 6.60 M float32 weights
    }
}

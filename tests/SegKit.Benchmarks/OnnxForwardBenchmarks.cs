using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SegKit.Export;
using SegKit.Inference;
using SegKit.Onnx;
using SegKit.Training;
using SegKit.Training.Models;
using TorchSharp;

namespace SegKit.Benchmarks;

/// <summary>
/// One forward pass of an exported CellposeNet through ONNX Runtime (CPU, 2 intra-op threads) on a whole
/// 1 x 2 x S x S image: the figure Cellpose v3 reports as "forward 1x2x512x512".
/// </summary>
public class OnnxForwardBenchmarks
{
    private InferenceSession _session = null!;
    private DenseTensor<float> _input = null!;

    [Params(32, 16)]
    public int FirstWidth { get; set; }

    [Params(512, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TorchRuntime.EnsureLoaded();
        torch.manual_seed(0);
        var options = FirstWidth == 32 ? CellposeNetOptions.Default : CellposeNetOptions.Compact;
        using var net = new CellposeNet(options);
        net.eval();
        _session = OnnxSessions.Open(OnnxWriter.ToBytes(CellposeNetExporter.Export(net)), "benchmark", intraOpThreads: 2);
        var random = new Random(1);
        var data = new float[2 * Size * Size];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)random.NextDouble();
        }

        _input = new DenseTensor<float>(data, [1, 2, Size, Size]);
    }

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    [Benchmark]
    public float Forward()
    {
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(CellposeNetExporter.InputName, _input)]);
        return results[0].AsTensor<float>()[0, 0, 0, 0];
    }
}

using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SegKit.Core;
using SegKit.Core.IO;
using SegKit.Inference;
using SegKit.Onnx;
using TorchSharp;

namespace SegKit.Cli;

/// <summary>
/// The one way a TorchSharp network becomes an ONNX file (segkit export, segkit import): the exported graph runs in ONNX
/// Runtime on a seeded random input and is written, atomically, only when it reproduces TorchSharp.
/// </summary>
internal static class ExportGate
{
    /// <summary>
    /// Largest difference between ONNX Runtime and TorchSharp outputs that still counts as the same network, relative to
    /// the output's largest magnitude (at least 1): float32 sums in another order differ in proportion to the values
    /// summed, so a network with larger activations may differ by more than 1e-4 in absolute terms and still be exact.
    /// A wrong weight or operator differs by orders of magnitude more.
    /// </summary>
    public const double ParityTolerance = 1e-4;

    /// <summary>
    /// The same for weights stored as float16 (<c>--weights fp16</c>): rounding every weight to 11 significant bits moves
    /// the outputs by a few 1e-4 of their scale; the bound for an accepted float16 model is 1e-3.
    /// </summary>
    public const double Float16Tolerance = 1e-3;

    /// <summary>Largest |TorchSharp - ONNX Runtime| on a seeded random [1, C, size, size] input, relative to the output's scale; infinity when the shapes differ.</summary>
    public static double ParityCheck(Func<torch.Tensor, torch.Tensor> forward, byte[] onnx, string inputName, string outputName, int channels, int size)
    {
        using var session = OnnxSessions.Open(onnx, "exported model", intraOpThreads: 2);
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(12345);
        var input = torch.randn([1, channels, size, size], generator: generator);
        var expected = forward(input);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input.data<float>().ToArray(), [1, channels, size, size]))]);
        var actual = results.First(r => r.Name == outputName).AsTensor<float>();
        if (!actual.Dimensions.ToArray().Select(d => (long)d).SequenceEqual(expected.shape))
        {
            return double.PositiveInfinity;
        }

        float[] reference = expected.data<float>().ToArray();
        return RelativeDifference(reference, actual.ToArray());
    }

    /// <summary>
    /// Largest |reference - candidate| between two ONNX models run by ONNX Runtime on the same seeded random
    /// [1, C, size, size] input, relative to the reference output's scale (infinity when the shapes differ).
    /// </summary>
    public static double OnnxParityCheck(byte[] reference, byte[] candidate, string inputName, string outputName, int channels, int size)
    {
        var random = new Random(12345);
        var data = new float[channels * size * size];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)((random.NextDouble() * 2) - 1);
        }

        float[] Run(byte[] model)
        {
            using var session = OnnxSessions.Open(model, "exported model", intraOpThreads: 2);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(data, [1, channels, size, size]))]);
            return results.First(r => r.Name == outputName).AsTensor<float>().ToArray();
        }

        float[] expected = Run(reference);
        float[] actual = Run(candidate);
        if (expected.Length != actual.Length)
        {
            return double.PositiveInfinity;
        }

        return RelativeDifference(expected, actual);
    }

    /// <summary>Largest |reference - actual| over the output's scale (its largest magnitude, at least 1).</summary>
    private static double RelativeDifference(float[] reference, float[] actual)
    {
        double scale = Math.Max(1, reference.Max(v => Math.Abs((double)v)));
        return reference.Zip(actual, (a, b) => Math.Abs((double)a - b)).Max() / scale;
    }

    /// <summary>Refuses, naming <paramref name="source"/>, when <paramref name="difference"/> is above <paramref name="tolerance"/>.</summary>
    /// <exception cref="SegKitException">The difference is above the tolerance.</exception>
    public static void Check(double difference, string source, double tolerance = ParityTolerance, string reference = "TorchSharp")
    {
        if (!(difference <= tolerance))
        {
            throw new SegKitException($"ONNX Runtime differs from {reference} by {difference:G3} relative to the output's scale (tolerance {tolerance:G1}); nothing was written", source);
        }
    }

    /// <summary>Writes <paramref name="onnx"/> to <paramref name="outPath"/> when <paramref name="difference"/> passes the gate (<see cref="Check"/>), else refuses naming <paramref name="source"/>.</summary>
    /// <exception cref="SegKitException">The difference is above the tolerance; nothing is written.</exception>
    public static void Write(CliConsole console, OnnxModel onnx, double difference, string source, string outPath, double tolerance = ParityTolerance, string reference = "TorchSharp")
    {
        Check(difference, source, tolerance, reference);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
        OutputFolder.Prepare(dir!);
        OnnxWriter.WriteFile(outPath, onnx);
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {outPath} ({new FileInfo(outPath).Length / 1e6:0.0} MB); ONNX Runtime vs {reference} max difference {difference:G3} (relative to the output's scale)"));
    }
}

using SegKit.Onnx;

namespace SegKit.Inference.Tests;

public class OnnxTileNetworkTests
{
    /// <summary>A 1x1 convolution from 2 to 3 channels with dynamic batch, height and width, written by SegKit.Onnx.</summary>
    private static byte[] PointwiseModel(float[] weights, float[] bias)
    {
        var g = new GraphBuilder("pointwise");
        g.Input("x", OnnxElementType.Float, "N", 2, "H", "W");
        g.Initializer("w", weights, 3, 2, 1, 1);
        g.Initializer("b", bias, 3);
        g.Node("Conv", ["x", "w", "b"], ["y"]);
        g.Output("y", OnnxElementType.Float, "N", 3, "H", "W");
        return OnnxWriter.ToBytes(g.ToModel());
    }

    [Fact]
    public void Runs_batches_of_tiles_through_onnx_runtime()
    {
        float[] w = [1, 0, 0, 1, 0.5f, -2];
        float[] b = [0, 0, 1];
        using var session = OnnxSessions.Open(PointwiseModel(w, b), "pointwise", intraOpThreads: 2);
        var network = new OnnxTileNetwork(session, 3);
        const int t = 4;
        var input = new float[2 * 2 * t * t];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = i * 0.1f;
        }

        var output = new float[2 * 3 * t * t];
        network.Run(input, 2, 2, t, output);
        for (int n = 0; n < 2; n++)
        {
            for (int p = 0; p < t * t; p++)
            {
                float a = input[(((n * 2) + 0) * t * t) + p];
                float c = input[(((n * 2) + 1) * t * t) + p];
                Assert.Equal(a, output[(((n * 3) + 0) * t * t) + p], 5);
                Assert.Equal(c, output[(((n * 3) + 1) * t * t) + p], 5);
                Assert.Equal((0.5f * a) - (2 * c) + 1, output[(((n * 3) + 2) * t * t) + p], 4);
            }
        }
    }

    [Fact]
    public void A_network_whose_output_has_another_shape_is_a_clear_error_not_a_native_crash()
    {
        using var session = OnnxSessions.Open(PointwiseModel([1, 0, 0, 1, 0, 0], [0, 0, 0]), "pointwise");

        // Declared with 2 output channels, the model writes 3: ONNX Runtime refuses the caller's buffer.
        var network = new OnnxTileNetwork(session, 2);
        var error = Assert.Throws<InvalidOperationException>(() => network.Run(new float[2 * 2 * 4 * 4], 2, 2, 4, new float[2 * 2 * 4 * 4]));
        Assert.Contains("[N, 2, 4, 4]", error.Message);
        Assert.Throws<ArgumentException>(() => network.Run(new float[2 * 2 * 4 * 4], 2, 2, 4, new float[5]));
    }

    [Fact]
    public void Asking_for_cuda_without_it_falls_back_to_the_cpu_with_one_warning()
    {
        var logger = new ListLogger();
        using var session = OnnxSessions.Open(PointwiseModel([1, 0, 0, 1, 0, 0], [0, 0, 0]), "pointwise", ExecutionDevice.Cuda, logger: logger);
        string? problem = OnnxSessions.CudaProblem(0);
        if (problem is null)
        {
            Assert.Empty(logger.Warnings);
        }
        else
        {
            Assert.Equal($"CUDA was requested but {problem}; running on the CPU", Assert.Single(logger.Warnings));
        }

        var output = new float[3 * 4];
        new OnnxTileNetwork(session, 3).Run(new float[2 * 4], 1, 2, 2, output);
        Assert.All(output, v => Assert.Equal(0f, v));
    }
}

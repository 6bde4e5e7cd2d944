using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SegKit.Onnx.Tests;

/// <summary>Models from the builder run in ONNX Runtime and give the numbers computed here by hand.</summary>
public sealed class OnnxRuntimeTests
{
    private const int Size = 5;
    private const int OutChannels = 2;

    [Fact]
    public void Conv_relu_and_broadcast_add_with_a_symbolic_batch_match_a_hand_computation()
    {
        // Two 3x3 kernels on one input channel, "same" padding, bias, Relu, then + a per-channel offset [1,2,1,1].
        float[] weights = [1, 0, -1, 2, 0, -2, 1, 0, -1, /* second kernel */ 0.5f, 0.25f, 0, -1, 1, 0, 0, 0, 0.125f];
        float[] bias = [0.5f, -3];
        float[] offset = [10, -0.25f];
        var builder = new GraphBuilder("conv-relu-add");
        var x = builder.Input("x", OnnxElementType.Float, "N", 1, Size, Size);
        var w = builder.Initializer("w", weights, OutChannels, 1, 3, 3);
        var b = builder.Initializer("b", bias, OutChannels);
        var o = builder.Initializer("offset", offset, 1, OutChannels, 1, 1);
        var conv = builder.Node("Conv", [x, w, b], "conv", OnnxAttribute.Of("kernel_shape", 3L, 3L), OnnxAttribute.Of("pads", 1L, 1L, 1L, 1L));
        var relu = builder.Node("Relu", [conv], "relu");
        builder.Node("Add", [relu, o], "y");
        builder.Output("y", OnnxElementType.Float, "N", OutChannels, Size, Size);
        var bytes = OnnxWriter.ToBytes(builder.ToModel());

        const int batch = 3;
        var input = new float[batch * Size * Size];
        for (var i = 0; i < input.Length; i++)
            input[i] = ((i * 7919) % 23 - 11) / 4f;
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(bytes, options);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(input, [batch, 1, Size, Size]))]);
        var output = results.Single().AsTensor<float>();

        Assert.Equal([batch, OutChannels, Size, Size], output.Dimensions.ToArray());
        Assert.Equal("N", session.InputMetadata["x"].SymbolicDimensions[0]);
        for (var n = 0; n < batch; n++)
        for (var c = 0; c < OutChannels; c++)
        for (var yy = 0; yy < Size; yy++)
        for (var xx = 0; xx < Size; xx++)
        {
            var sum = bias[c];
            for (var ky = 0; ky < 3; ky++)
            for (var kx = 0; kx < 3; kx++)
            {
                int sy = yy + ky - 1, sx = xx + kx - 1;
                if (sy >= 0 && sy < Size && sx >= 0 && sx < Size)
                    sum += weights[c * 9 + ky * 3 + kx] * input[n * Size * Size + sy * Size + sx];
            }
            var expected = Math.Max(sum, 0) + offset[c];
            Assert.Equal(expected, output[n, c, yy, xx], 5);
        }
    }

    [Fact]
    public void Float_string_floats_and_tensor_attributes_reach_the_runtime()
    {
        // Constant(value=tensor) + x -> LeakyRelu(alpha) -> Resize(nearest, asymmetric, floor) by Constant(value_floats).
        var builder = new GraphBuilder("attributes");
        var x = builder.Input("x", OnnxElementType.Float, "N", 1, 2, 2);
        var shift = builder.Node("Constant", [], "shift", OnnxAttribute.Of("value", OnnxTensor.FromFloats("shift_value", [-1f], 1)));
        var scales = builder.Node("Constant", [], "scales", OnnxAttribute.Of("value_floats", 1f, 1f, 2f, 2f));
        var shifted = builder.Node("Add", [x, shift], "shifted");
        var leaky = builder.Node("LeakyRelu", [shifted], "leaky", OnnxAttribute.Of("alpha", 0.25f));
        builder.Node(
            "Resize",
            [leaky, "", scales],
            "y",
            OnnxAttribute.Of("mode", "nearest"),
            OnnxAttribute.Of("coordinate_transformation_mode", "asymmetric"),
            OnnxAttribute.Of("nearest_mode", "floor"));
        builder.Output("y", OnnxElementType.Float, "N", 1, 4, 4);

        using var session = new InferenceSession(OnnxWriter.ToBytes(builder.ToModel()));
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(new float[] { 3, -1, 0, 5 }, [1, 1, 2, 2]))]);
        var y = results.Single().AsTensor<float>().ToArray();

        // x - 1 = [2, -2, -1, 4]; LeakyRelu(0.25) = [2, -0.5, -0.25, 4]; each value repeated into a 2x2 block.
        Assert.Equal(
            [2, 2, -0.5f, -0.5f, 2, 2, -0.5f, -0.5f, -0.25f, -0.25f, 4, 4, -0.25f, -0.25f, 4, 4],
            y);
    }

    [Fact]
    public void Runtime_sees_the_metadata_written_into_the_file()
    {
        var builder = new GraphBuilder("identity");
        builder.Node("Identity", [builder.Input("x", OnnxElementType.Float, "N", 4)], "y");
        builder.Output("y", OnnxElementType.Float, "N", 4);
        var card = SampleModels.CellposeCard();

        using var session = new InferenceSession(OnnxWriter.ToBytes(builder.ToModel(card.ToMetadata())));

        var custom = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("cellpose", custom["segkit.kind"]);
        Assert.Equal(card, ModelCard.FromMetadata(custom));
    }
}

using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SegKit.Onnx.Tests;

public sealed class OnnxWeightStorageTests
{
    private static OnnxModel ConvModel(float[] weights, float[] bias)
    {
        var builder = new GraphBuilder("conv");
        var x = builder.Input("x", OnnxElementType.Float, "N", 2, 6, 6);
        var w = builder.Initializer("conv.weight", weights, 3, 2, 3, 3);
        var b = builder.Initializer("conv.bias", bias, 3);
        builder.Node("Conv", [x, w, b], "y", OnnxAttribute.Of("kernel_shape", 3L, 3L), OnnxAttribute.Of("pads", 1L, 1L, 1L, 1L));
        builder.Output("y", OnnxElementType.Float, "N", 3, 6, 6);
        return builder.ToModel();
    }

    private static float[] Run(OnnxModel model, float[] input)
    {
        using var session = new InferenceSession(OnnxWriter.ToBytes(model));
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(input, [1, 2, 6, 6]))]);
        return results.Single().AsTensor<float>().ToArray();
    }

    [Fact]
    public void Float16_weights_halve_the_weights_and_onnx_runtime_computes_with_their_float32_values()
    {
        var random = new Random(3);
        float[] weights = Enumerable.Range(0, 54).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] bias = [0.1f, -0.2f, 0.3f];
        float[] input = Enumerable.Range(0, 72).Select(_ => (float)random.NextDouble()).ToArray();
        OnnxModel full = ConvModel(weights, bias);
        OnnxModel half = ConvModel(weights, bias);

        Assert.Equal(1, OnnxWeightStorage.ToFloat16(half));

        OnnxTensor stored = Assert.Single(half.Graph.Initializers, t => t.ElementType == OnnxElementType.Float16);
        Assert.Equal(54 * 2, stored.RawData.Length);
        Assert.Equal(OnnxElementType.Float, half.Graph.Initializers.Single(t => t.Name == "conv.bias").ElementType);
        Assert.Equal("float16", half.Metadata[OnnxWeightStorage.MetadataKey]);

        // The same network as the float32 one with each weight rounded to float16: equal to a model built that way.
        float[] rounded = weights.Select(w => (float)(Half)w).ToArray();
        Assert.Equal(Run(ConvModel(rounded, bias), input), Run(half, input));
        double largest = Run(full, input).Zip(Run(half, input), (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(largest, 1e-7, 2e-3);
    }

    [Fact]
    public void Float32_restores_the_stored_values_under_the_weights_names_and_round_trips_through_a_file()
    {
        float[] weights = Enumerable.Range(0, 54).Select(i => (i - 27) / 7f).ToArray();
        OnnxModel model = ConvModel(weights, [0, 0, 0]);
        OnnxWeightStorage.ToFloat16(model);
        OnnxModel read = OnnxReader.Read(OnnxWriter.ToBytes(model));

        Assert.Equal(1, OnnxWeightStorage.ToFloat32(read));

        Assert.DoesNotContain(read.Graph.Nodes, n => n.OpType == "Cast");
        Assert.False(read.Metadata.ContainsKey(OnnxWeightStorage.MetadataKey));
        Assert.Equal(weights.Select(w => (float)(Half)w), read.Graph.Initializers.Single(t => t.Name == "conv.weight").ToFloats());
        Assert.Equal(0, OnnxWeightStorage.ToFloat32(read));
    }

    [Fact]
    public void Float16_conversion_rounds_as_dotnets_half_for_every_kind_of_float()
    {
        // Random bit patterns cover normals, subnormals, overflow, infinities and NaN; the listed values the ties.
        var random = new Random(7);
        var values = Enumerable.Range(0, 200_000).Select(_ => BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue))).ToList();
        values.AddRange(Enumerable.Range(0, 100_000).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-30, 20)))));
        values.AddRange([0f, -0f, 65504f, 65520f, 65519.99f, 1f + (1f / 2048), 1f + (3f / 2048), 5.9604645e-8f, 2.9802322e-8f, 2.9802326e-8f, float.Epsilon, float.MaxValue]);
        int differing = 0;
        foreach (float v in values)
        {
            ushort expected = BitConverter.HalfToUInt16Bits((Half)v);
            ushort actual = HalfBits.FromSingle(v);
            bool same = float.IsNaN(v) ? Half.IsNaN(BitConverter.UInt16BitsToHalf(actual)) : actual == expected;
            differing += same ? 0 : 1;
            float back = HalfBits.ToSingle(expected);
            differing += float.IsNaN(back) ? (Half.IsNaN(BitConverter.UInt16BitsToHalf(expected)) ? 0 : 1) : back == (float)BitConverter.UInt16BitsToHalf(expected) ? 0 : 1;
        }

        Assert.Equal(0, differing);
    }

    [Fact]
    public void A_weight_beyond_float16s_range_is_refused()
    {
        float[] weights = new float[54];
        weights[7] = 1e6f;
        Assert.Throws<OnnxFormatException>(() => OnnxWeightStorage.ToFloat16(ConvModel(weights, [0, 0, 0])));
    }
}

using System.Diagnostics;
using Xunit.Abstractions;

namespace SegKit.Onnx.Tests;

public sealed class OnnxModelInfoTests(ITestOutputHelper output)
{
    [Fact]
    public void Info_of_a_model_with_a_20_MB_initializer_equals_the_full_reader_and_is_fast()
    {
        var weights = new float[5_000_000];
        for (var i = 0; i < weights.Length; i++)
            weights[i] = i * 1e-3f;
        var builder = new GraphBuilder("big");
        var x = builder.Input("x", OnnxElementType.Float, "N", 5_000_000);
        var w = builder.Initializer("w", weights, 5_000_000);
        builder.Node("Add", [x, w], "y");
        builder.Output("y", OnnxElementType.Float, "N", 5_000_000);
        var model = builder.ToModel(SampleModels.CellposeCard().ToMetadata());
        model.OpsetImports.Add(new OnnxOpsetImport("ai.segkit", 2));
        var path = SampleModels.TempPath("big.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        OnnxWriter.WriteFile(path, model);
        Assert.True(new FileInfo(path).Length > 20_000_000);

        var full = OnnxReader.ReadFile(path);
        var info = OnnxModelInfo.Read(path);

        Assert.Equal(full.IrVersion, info.IrVersion);
        Assert.Equal(full.ProducerName, info.ProducerName);
        Assert.Equal(full.OpsetImports, info.OpsetImports);
        Assert.Equal(full.Metadata.OrderBy(e => e.Key), info.Metadata.OrderBy(e => e.Key));
        Assert.Equal(full.Graph.Inputs.Select(Describe), info.Inputs.Select(Describe));
        Assert.Equal(full.Graph.Outputs.Select(Describe), info.Outputs.Select(Describe));
        Assert.Equal("x: Float[N,5000000]", Describe(info.Inputs.Single()));

        const int repeats = 200;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++)
            OnnxModelInfo.Read(path);
        var perRead = watch.Elapsed.TotalMilliseconds / repeats;
        watch.Restart();
        OnnxReader.ReadFile(path);
        var fullRead = watch.Elapsed.TotalMilliseconds;
        output.WriteLine($"OnnxModelInfo.Read of a {new FileInfo(path).Length / 1e6:F1} MB model: {perRead:F3} ms per read; OnnxReader.ReadFile: {fullRead:F1} ms");
        // Reading 20 MB costs tens of milliseconds; skipping it must cost far less (measured ~0.05 ms on the dev box).
        Assert.True(perRead < 5, $"info read took {perRead:F3} ms");
        File.Delete(path);
    }

    [Fact]
    public void Info_reads_from_an_unseekable_stream_too()
    {
        var bytes = OnnxWriter.ToBytes(SampleModels.EveryField());

        var info = OnnxModelInfo.Read(new UnseekableStream(bytes));

        Assert.Equal(["x: Float[N,2,?,64]", "scalar: Int64[]"], info.Inputs.Select(Describe));
        Assert.Equal(["y: Float[?]"], info.Outputs.Select(Describe));
        Assert.Equal("first ∂", info.Metadata["a"]);
        Assert.Equal(2, info.OpsetImports.Count);
    }

    private static string Describe(OnnxValueInfo v) => v.ToString();

    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}

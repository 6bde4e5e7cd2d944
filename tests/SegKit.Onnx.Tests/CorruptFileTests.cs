namespace SegKit.Onnx.Tests;

public sealed class CorruptFileTests
{
    [Fact]
    public void Every_truncation_of_a_model_is_refused_by_both_readers_naming_the_file()
    {
        var bytes = OnnxWriter.ToBytes(SampleModels.EveryField());
        var path = SampleModels.WriteTemp("cut.onnx", bytes);

        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes.AsSpan(0, length).ToArray();
            File.WriteAllBytes(path, prefix);
            var full = Assert.Throws<OnnxFormatException>(() => OnnxReader.ReadFile(path));
            var info = Assert.Throws<OnnxFormatException>(() => OnnxModelInfo.Read(path));
            Assert.Equal(path, full.FilePath);
            Assert.StartsWith(path + ": not a readable ONNX model", info.Message);
        }
    }

    [Fact]
    public void Truncated_weights_of_a_large_model_are_found_by_the_info_reader_without_reading_them()
    {
        var builder = new GraphBuilder("big");
        var x = builder.Input("x", OnnxElementType.Float, 1_000_000);
        builder.Node("Add", [x, builder.Initializer("w", new float[1_000_000], 1_000_000)], "y");
        builder.Output("y", OnnxElementType.Float, 1_000_000);
        var bytes = OnnxWriter.ToBytes(builder.ToModel());
        var path = SampleModels.WriteTemp("big-cut.onnx", bytes.AsSpan(0, bytes.Length - 1000).ToArray());

        var e = Assert.Throws<OnnxFormatException>(() => OnnxModelInfo.Read(path));

        Assert.Contains("runs past the end", e.Message);
        Assert.Contains(path, e.Message);
        File.Delete(path);
    }

    [Theory]
    [InlineData("png", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 })]
    [InlineData("text", new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' })]
    [InlineData("varint-without-end", new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    [InlineData("field-zero", new byte[] { 0x00, 0x01 })]
    [InlineData("wire-type-7", new byte[] { 0x0F })]
    [InlineData("huge-length", new byte[] { 0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    [InlineData("empty", new byte[0])]
    public void Bytes_that_are_not_onnx_are_refused_naming_the_file(string name, byte[] bytes)
    {
        var path = SampleModels.WriteTemp(name + ".onnx", bytes);

        Assert.Equal(path, Assert.Throws<OnnxFormatException>(() => OnnxReader.ReadFile(path)).FilePath);
        Assert.Equal(path, Assert.Throws<OnnxFormatException>(() => OnnxModelInfo.Read(path)).FilePath);
    }

    [Fact]
    public void Random_bytes_never_escape_as_anything_but_OnnxFormatException()
    {
        var random = new Random(1234);
        var valid = OnnxWriter.ToBytes(SampleModels.EveryField());
        for (var trial = 0; trial < 2000; trial++)
        {
            // Damage a real model in a few places: the reader must refuse it cleanly or read it, never crash.
            var bytes = (byte[])valid.Clone();
            for (var k = 0; k < 1 + trial % 4; k++)
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                OnnxReader.Read(bytes, "damaged");
                OnnxModelInfo.Read(new MemoryStream(bytes), "damaged");
            }
            catch (OnnxFormatException e)
            {
                Assert.Equal("damaged", e.FilePath);
            }
        }
    }

    [Fact]
    public void A_missing_file_is_an_OnnxFormatException_naming_it()
    {
        var path = SampleModels.TempPath("absent.onnx");

        Assert.Equal(path, Assert.Throws<OnnxFormatException>(() => OnnxModelInfo.Read(path)).FilePath);
        Assert.Equal(path, Assert.Throws<OnnxFormatException>(() => OnnxReader.ReadFile(path)).FilePath);
    }
}

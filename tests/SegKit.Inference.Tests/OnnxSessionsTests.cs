namespace SegKit.Inference.Tests;

public class OnnxSessionsTests
{
    [Fact]
    public void A_corrupt_or_missing_model_is_a_model_load_error_naming_the_file()
    {
        string dir = Directory.CreateTempSubdirectory("segkit-onnx-").FullName;
        string path = Path.Combine(dir, "broken.onnx");
        File.WriteAllBytes(path, [0x08, 0x08, 0x12, 0xFF, 0xFF]);
        var e = Assert.Throws<ModelLoadException>(() => OnnxSessions.Open(path));
        Assert.Contains("broken.onnx", e.Message);
        Assert.Contains("not found", Assert.Throws<ModelLoadException>(() => OnnxSessions.Open(Path.Combine(dir, "missing.onnx"))).Message);
    }
}

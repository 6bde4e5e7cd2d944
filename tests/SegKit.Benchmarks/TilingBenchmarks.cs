using BenchmarkDotNet.Attributes;
using SegKit.Core.Images;
using SegKit.Core.Tiling;

namespace SegKit.Benchmarks;

/// <summary>
/// Tiling + blending overhead around a network: tiles cut with mirror padding, a pass-through "network" that
/// copies 2 input channels into 3 outputs, taper-weighted stitching. Measures everything but the network itself.
/// </summary>
[MemoryDiagnoser]
public class TilingBenchmarks
{
    private Image _image = null!;

    [Params(512, 1024, 2048)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _image = new Image(2, Size, Size);
        for (int i = 0; i < _image.Data.Length; i++)
        {
            _image.Data[i] = (float)random.NextDouble();
        }
    }

    [Benchmark]
    public Image TileAndBlend() => TiledPrediction.Run(_image, new PassThroughNetwork(), new TilingOptions());

    private sealed class PassThroughNetwork : ITileNetwork
    {
        public int OutputChannels => 3;

        public void Run(ReadOnlySpan<float> input, int count, int inputChannels, int tileSize, Span<float> output)
        {
            int plane = tileSize * tileSize;
            for (int b = 0; b < count; b++)
            {
                input.Slice(b * inputChannels * plane, inputChannels * plane).CopyTo(output.Slice(b * 3 * plane));
            }
        }
    }
}

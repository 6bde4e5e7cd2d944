using BenchmarkDotNet.Attributes;
using SegKit.Core.Classical;
using SegKit.Core.Images;

namespace SegKit.Benchmarks;

/// <summary>The classical baseline (smoothing, Otsu, components, distance transform, h-maxima, watershed) on tiled real nuclei.</summary>
[MemoryDiagnoser]
public class ClassicalBenchmarks
{
    private Image _image = null!;
    private readonly ClassicalSegmenter _segmenter = new();

    [Params(512, 1024, 2048)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var tile = BenchmarkFixtures.Load("norm_4be73d68.input.npy");
        int th = tile.Shape[0];
        int tw = tile.Shape[1];
        float[] values = tile.ToSingle();
        _image = new Image(1, Size, Size);
        for (int y = 0; y < Size; y++)
        {
            for (int x = 0; x < Size; x++)
            {
                _image[0, y, x] = values[((y % th) * tw) + (x % tw)];
            }
        }
    }

    [Benchmark]
    public LabelImage Segment() => _segmenter.Segment(_image);
}

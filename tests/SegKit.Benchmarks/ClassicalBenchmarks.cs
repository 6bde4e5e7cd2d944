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
    public void Setup() => _image = BenchmarkFixtures.TiledNuclei(Size);

    [Benchmark]
    public LabelImage Segment() => _segmenter.Segment(_image);
}

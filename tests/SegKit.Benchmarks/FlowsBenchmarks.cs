using BenchmarkDotNet.Attributes;
using SegKit.Core.Flows;
using SegKit.Core.Images;

namespace SegKit.Benchmarks;

/// <summary>
/// Masks to flows (heat diffusion per object) on tiled DSB2018 masks.
/// Cellpose 3.1.1.2 (issue): 512 / 81 objects 0.130 s; 1024 / 625 objects 0.560 s; 2048 / 2,595 objects 1.962 s.
/// </summary>
[MemoryDiagnoser]
public class FlowsBenchmarks
{
    private LabelImage _labels = null!;

    [Params(512, 1024, 2048)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _labels = FlowsBenchmarkData.Labels(Size);
        Console.WriteLine($"// {Size}x{Size}: {_labels.CountObjects()} objects");
    }

    [Benchmark]
    public FlowField MasksToFlows() => MaskFlows.Compute(_labels);
}

using BenchmarkDotNet.Attributes;
using SegKit.Core.Dynamics;
using SegKit.Core.Flows;
using SegKit.Core.Images;

namespace SegKit.Benchmarks;

/// <summary>
/// Flows to masks from noisy 5x flows (niter 200, min size 15) on tiled DSB2018 masks, with and without the
/// flow-error quality check. Cellpose 3.1.1.2 (issue), QC on / off: 512 / 81 objects 0.254 / 0.129 s;
/// 1024 / 625 objects 1.229 / 0.727 s; 2048 / 2,595 objects 5.885 / 3.756 s.
/// </summary>
[MemoryDiagnoser]
public class DynamicsBenchmarks
{
    private static readonly DynamicsOptions QualityCheckOff = new() { FlowThreshold = 0 };

    private FlowField _flows = null!;
    private float[] _cellProbability = null!;

    [Params(512, 1024, 2048)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        LabelImage labels = FlowsBenchmarkData.Labels(Size);
        (_flows, _cellProbability) = FlowsBenchmarkData.NoisyNetworkOutput(labels);
        LabelImage masks = MaskReconstruction.Compute(_flows, _cellProbability);
        Console.WriteLine($"// {Size}x{Size}: {labels.CountObjects()} objects, {masks.MaxLabel} masks recovered");
    }

    [Benchmark]
    public LabelImage FlowsToMasksWithQualityCheck() => MaskReconstruction.Compute(_flows, _cellProbability);

    [Benchmark]
    public LabelImage FlowsToMasksWithoutQualityCheck() => MaskReconstruction.Compute(_flows, _cellProbability, QualityCheckOff);
}

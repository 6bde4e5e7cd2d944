namespace SegKit.Distributed;

/// <summary>How a silo runs work items.</summary>
public sealed class SegKitWorkerOptions
{
    /// <summary>
    /// Work items segmented at once on this silo; more wait their turn. One suits a small machine: ONNX Runtime already
    /// spreads one image over the cores. On a large node, raise it (or run one silo per NUMA node) until the cores are busy.
    /// </summary>
    public int MaxConcurrentRuns { get; set; } = 1;

    /// <summary>ONNX Runtime intra-op threads per model; 0 lets ONNX Runtime choose (all cores).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Where this silo finds the bundled models a manifest names (models/ beside the tool).</summary>
    public string BundledModelsDirectory { get; set; } = BundledModels.DefaultDirectory;

    /// <summary>The name this silo reports in a job's report; null: Orleans' silo name.</summary>
    public string? Name { get; set; }
}

namespace SegKit.Distributed;

/// <summary>One image of a job, as a silo gets it: everything needed to segment it, paths absolute on the shared file system.</summary>
[GenerateSerializer]
[Alias("SegKit.Distributed.WorkItem")]
public sealed record WorkItem
{
    [Id(0)]
    public required string Input { get; init; }

    [Id(1)]
    public required string OutputFolder { get; init; }

    /// <summary>A bundled model's name (each silo opens its own copy) or an ONNX file's absolute path.</summary>
    [Id(2)]
    public required string Model { get; init; }

    [Id(3)]
    public required JobSettings Settings { get; init; }

    /// <summary>The grain key: the item's label image path, unique in a job and the same in every run of it.</summary>
    public string Key => Path.GetFullPath(SegmentationOutputs.MasksPath(OutputFolder, Input));
}

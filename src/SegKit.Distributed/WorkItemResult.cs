namespace SegKit.Distributed;

/// <summary>What a silo did with a work item.</summary>
[GenerateSerializer]
[Alias("SegKit.Distributed.WorkItemResult")]
public sealed record WorkItemResult
{
    [Id(0)]
    public int Objects { get; init; }

    /// <summary>Seconds from reading the image to its label image in place (not counting the wait for a free run).</summary>
    [Id(1)]
    public double Seconds { get; init; }

    /// <summary>The silo that ran it.</summary>
    [Id(2)]
    public required string Silo { get; init; }

    /// <summary>The outputs were already complete when the silo got the item (an earlier run wrote them); nothing was redone.</summary>
    [Id(3)]
    public bool AlreadyDone { get; init; }

    /// <summary>Why the image itself cannot be segmented (unreadable, a channel missing, output not writable); null on success. Not retried.</summary>
    [Id(4)]
    public string? Error { get; init; }
}

namespace SegKit.Distributed;

/// <summary>
/// One work item of a batch job, keyed by its label image path: one activation per image, placed at random so a job
/// spreads over the silos, and the same key in every run of the job, so a call that reaches a still-running attempt
/// joins it instead of racing it.
/// </summary>
[Alias("SegKit.Distributed.ISegmentationWorkItemGrain")]
public interface ISegmentationWorkItemGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the item (unless it is running already) and waits up to <paramref name="wait"/> for it: its result, or
    /// null while it is still running, so the caller calls again. The answer within <paramref name="wait"/> is what tells
    /// a busy silo from a dead one whatever an image takes: a call that stays unanswered well past it has lost its silo.
    /// Idempotent: outputs are written with the same names and content however often the item runs.
    /// </summary>
    [Alias("Run")]
    Task<WorkItemResult?> Run(WorkItem item, TimeSpan wait);
}

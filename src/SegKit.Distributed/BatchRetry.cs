namespace SegKit.Distributed;

/// <summary>A work item call that failed for a reason outside the image (its silo died, a time-out) and was tried again.</summary>
public sealed record BatchRetry(string Input, int Attempt, string Reason);

namespace SegKit.Distributed;

/// <summary>How the batch driver hands out work.</summary>
public sealed record BatchRunnerOptions
{
    /// <summary>
    /// Work items handed out and not yet answered. Enough to keep every silo's runs busy (silos x their
    /// MaxConcurrentRuns, plus one each so the next image is already waiting), few enough that a dead silo takes little
    /// work down with it.
    /// </summary>
    public int MaxInFlight { get; init; } = 4;

    /// <summary>
    /// Tries per item before it is reported as failed. A silo's death takes Orleans some 10-30 s to declare; until then
    /// calls to its grains are refused, and each refusal is a try, so there must be enough to outlast that.
    /// </summary>
    public int MaxAttempts { get; init; } = 10;

    /// <summary>How long one image may run (waiting for a free run on its silo included) before it is reported as failed.</summary>
    public TimeSpan ItemTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a silo holds a call before answering "still running"; the driver then calls again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long past <see cref="PollInterval"/> a call may stay unanswered before its silo is taken for dead and the
    /// item retried: a call in flight to a silo that is killed is never answered nor refused.
    /// </summary>
    public TimeSpan UnresponsiveAfter { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The pause before the first retry; it doubles with each further one, up to 10 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The Orleans response time-out a client needs for these settings (longer than any call should last).</summary>
    public TimeSpan CallTimeout => PollInterval + UnresponsiveAfter + TimeSpan.FromSeconds(10);

    /// <summary>Called as each item ends (done or failed), from any thread.</summary>
    public Action<BatchReportEntry>? Finished { get; init; }

    /// <summary>Called when a call fails for a reason outside the image and the item is tried again, from any thread.</summary>
    public Action<BatchRetry>? Retrying { get; init; }
}

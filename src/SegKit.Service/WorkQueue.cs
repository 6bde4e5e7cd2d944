using Microsoft.Extensions.Options;

namespace SegKit.Service;

/// <summary>
/// At most <see cref="SegKitServiceOptions.MaxConcurrentRuns"/> runs at a time (segmentations, and the re-thresholdings
/// and downloads of cached results, which take seconds and hundreds of MB on large images), and at most
/// <see cref="SegKitServiceOptions.QueueLength"/> requests admitted beyond them: a request past that is refused at
/// once, before its body is read (the caller answers 429), so a burst costs neither memory nor decoding. Waiting for
/// a run ends early when the client goes away.
/// </summary>
public sealed class WorkQueue : IDisposable
{
    private readonly SemaphoreSlim _runs;
    private readonly int _capacity;
    private int _admitted;
    private long _runTicks;
    private long _runCount;

    public WorkQueue(IOptions<SegKitServiceOptions> options)
    {
        SegKitServiceOptions settings = options.Value;
        _runs = new SemaphoreSlim(settings.MaxConcurrentRuns, settings.MaxConcurrentRuns);
        MaxConcurrentRuns = settings.MaxConcurrentRuns;
        _capacity = settings.MaxConcurrentRuns + settings.QueueLength;
    }

    public int MaxConcurrentRuns { get; }

    /// <summary>Requests admitted now: running, waiting for a run, or still uploading.</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Admitted requests that are not running.</summary>
    public int Waiting => Math.Max(0, Admitted - (MaxConcurrentRuns - _runs.CurrentCount));

    /// <summary>A place in the queue, or null when it is full. Dispose the lease when the request ends.</summary>
    /// <param name="timed">Whether its run counts toward the mean run time behind Retry-After: false for short work on cached results, which would make it too hopeful.</param>
    public WorkLease? TryAdmit(bool timed = true)
    {
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return null;
        }

        return new WorkLease(this, timed);
    }

    /// <summary><see cref="TryAdmit"/> and <see cref="WorkLease.StartAsync"/> in one: a running place, or null when full.</summary>
    /// <exception cref="OperationCanceledException">The request was cancelled while it waited.</exception>
    /// <param name="timed">As for <see cref="TryAdmit"/>.</param>
    public async Task<WorkLease?> EnterAsync(CancellationToken cancellationToken, bool timed = true)
    {
        WorkLease? lease = TryAdmit(timed);
        if (lease is null)
        {
            return null;
        }

        try
        {
            await lease.StartAsync(cancellationToken).ConfigureAwait(false);
            return lease;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>Seconds a refused client should wait before trying again: the mean run time times the runs ahead of it.</summary>
    public int RetryAfterSeconds()
    {
        long count = Interlocked.Read(ref _runCount);
        double mean = count == 0 ? 1 : TimeSpan.FromTicks(Interlocked.Read(ref _runTicks) / count).TotalSeconds;
        double ahead = Math.Max(1, Admitted) / (double)MaxConcurrentRuns;
        return (int)Math.Clamp(Math.Ceiling(mean * ahead), 1, 600);
    }

    internal Task WaitForRunAsync(CancellationToken cancellationToken) => _runs.WaitAsync(cancellationToken);

    internal void EndRun(TimeSpan held, bool timed)
    {
        if (timed)
        {
            Interlocked.Add(ref _runTicks, held.Ticks);
            Interlocked.Increment(ref _runCount);
        }

        _runs.Release();
    }

    internal void Leave() => Interlocked.Decrement(ref _admitted);

    public void Dispose() => _runs.Dispose();
}

using Microsoft.Extensions.Options;

namespace SegKit.Service;

/// <summary>
/// At most <see cref="SegKitServiceOptions.MaxConcurrentRuns"/> network runs at a time, and at most
/// <see cref="SegKitServiceOptions.QueueLength"/> requests waiting for one: a request beyond that is refused at once
/// (the caller answers 429), so a burst never turns into unbounded memory. Waiting ends early when the client goes away.
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

    /// <summary>Requests running or waiting now.</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Requests waiting for a run now.</summary>
    public int Waiting => Math.Max(0, Admitted - (MaxConcurrentRuns - _runs.CurrentCount));

    /// <summary>
    /// A place to run, or null when the queue is full. Dispose the lease when the run ends.
    /// </summary>
    /// <exception cref="OperationCanceledException">The request was cancelled while it waited.</exception>
    public async Task<WorkLease?> EnterAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return null;
        }

        try
        {
            await _runs.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _admitted);
            throw;
        }

        return new WorkLease(this);
    }

    /// <summary>Seconds a refused client should wait before trying again: the mean run time times the runs ahead of it.</summary>
    public int RetryAfterSeconds()
    {
        long count = Interlocked.Read(ref _runCount);
        double mean = count == 0 ? 1 : TimeSpan.FromTicks(Interlocked.Read(ref _runTicks) / count).TotalSeconds;
        double ahead = Math.Max(1, Admitted) / (double)MaxConcurrentRuns;
        return (int)Math.Clamp(Math.Ceiling(mean * ahead), 1, 600);
    }

    internal void Release(TimeSpan held)
    {
        Interlocked.Add(ref _runTicks, held.Ticks);
        Interlocked.Increment(ref _runCount);
        _runs.Release();
        Interlocked.Decrement(ref _admitted);
    }

    public void Dispose() => _runs.Dispose();
}

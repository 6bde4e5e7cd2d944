using System.Diagnostics;

namespace SegKit.Service;

/// <summary>
/// A request's place in the <see cref="WorkQueue"/>: admitted first, running after <see cref="StartAsync"/>; disposing it
/// frees the run (if it started) and the place, once.
/// </summary>
public sealed class WorkLease : IDisposable
{
    private readonly WorkQueue _queue;
    private readonly bool _timed;
    private long _started;
    private int _disposed;

    internal WorkLease(WorkQueue queue, bool timed)
    {
        _queue = queue;
        _timed = timed;
    }

    /// <summary>Waits for one of the run places.</summary>
    /// <exception cref="OperationCanceledException">The request was cancelled while it waited.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Read(ref _started) != 0)
        {
            throw new InvalidOperationException("the lease has started already");
        }

        await _queue.WaitForRunAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _started, Stopwatch.GetTimestamp());
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        long started = Interlocked.Read(ref _started);
        if (started != 0)
        {
            _queue.EndRun(Stopwatch.GetElapsedTime(started), _timed);
        }

        _queue.Leave();
    }
}

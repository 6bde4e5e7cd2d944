using System.Diagnostics;

namespace SegKit.Service;

/// <summary>One admitted run of the <see cref="WorkQueue"/>; disposing it frees the place (once).</summary>
public sealed class WorkLease : IDisposable
{
    private readonly WorkQueue _queue;
    private readonly long _start = Stopwatch.GetTimestamp();
    private int _released;

    internal WorkLease(WorkQueue queue) => _queue = queue;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _queue.Release(Stopwatch.GetElapsedTime(_start));
        }
    }
}

namespace SegKit.Training.Tests;

/// <summary>An IProgress that reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, too late to stop a run).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

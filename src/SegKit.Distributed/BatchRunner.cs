using System.Collections.Concurrent;
using System.Diagnostics;
using SegKit.Core.IO;

namespace SegKit.Distributed;

/// <summary>
/// The driver of a batch job: skips the images whose outputs are complete, hands the rest to work item grains (a
/// bounded number at a time), retries an item whose call failed because of the cluster (its silo died, a time-out),
/// and reports. It keeps no state of its own: the output folder is the job's state, so a driver that dies is replaced
/// by running the same manifest again.
/// </summary>
public sealed class BatchRunner
{
    private readonly Lazy<IGrainFactory> _grains;
    private readonly BatchRunnerOptions _options;

    public BatchRunner(IGrainFactory grains, BatchRunnerOptions? options = null)
        : this(() => grains, options)
    {
        ArgumentNullException.ThrowIfNull(grains);
    }

    /// <param name="connect">Connects to the cluster; called only when some image has work left, so a finished job reports without one.</param>
    public BatchRunner(Func<IGrainFactory> connect, BatchRunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connect);
        _grains = new Lazy<IGrainFactory>(connect);
        _options = Validated(options ?? new BatchRunnerOptions());
    }

    public async Task<BatchReport> RunAsync(JobPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var clock = Stopwatch.StartNew();
        var entries = new ConcurrentDictionary<string, BatchReportEntry>(StringComparer.Ordinal);
        var retries = new ConcurrentQueue<BatchRetry>();
        IReadOnlyList<string> remaining = plan.Remaining();
        foreach (string done in plan.Inputs.Except(remaining, StringComparer.Ordinal))
        {
            entries[done] = new BatchReportEntry(done, BatchReportEntry.Skipped, null, null, null, 0, null);
        }

        if (remaining.Count > 0)
        {
            _ = _grains.Value;
        }

        await Parallel.ForEachAsync(remaining, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxInFlight, CancellationToken = cancellationToken }, async (input, ct) =>
        {
            BatchReportEntry entry = await RunItemAsync(plan.ItemFor(input), retries, ct).ConfigureAwait(false);
            entries[input] = entry;
            _options.Finished?.Invoke(entry);
        }).ConfigureAwait(false);

        // Every image is complete or given up, so no writer of these outputs is still at work: what remains of killed
        // writers (their temporary files, hidden) can go, whichever machine they ran on.
        foreach (string input in plan.Inputs.Where(i => SegmentationOutputs.AreComplete(plan.OutputFolder, i)))
        {
            foreach (string suffix in new[] { SegmentationOutputs.ObjectsSuffix, SegmentationOutputs.OverlaySuffix, SegmentationOutputs.MasksSuffix })
            {
                AtomicFile.RemoveTemporaries(SegmentationOutputs.PathOf(plan.OutputFolder, input, suffix));
            }
        }

        return new BatchReport(plan.Manifest, plan.OutputFolder, plan.Inputs.Select(i => entries[i]).ToList(), retries.ToList(), clock.Elapsed.TotalSeconds);
    }

    private async Task<BatchReportEntry> RunItemAsync(WorkItem item, ConcurrentQueue<BatchRetry> retries, CancellationToken cancellationToken)
    {
        ISegmentationWorkItemGrain grain = _grains.Value.GetGrain<ISegmentationWorkItemGrain>(item.Key);
        var clock = Stopwatch.StartNew();
        int attempt = 1;
        while (true)
        {
            try
            {
                WorkItemResult? result = await grain.Run(item, _options.PollInterval)
                    .WaitAsync(_options.PollInterval + _options.UnresponsiveAfter, cancellationToken).ConfigureAwait(false);
                if (result is null)
                {
                    // Still running on a live silo: not a retry, unless the image has had its time.
                    if (clock.Elapsed > _options.ItemTimeout)
                    {
                        return new BatchReportEntry(item.Input, BatchReportEntry.Failed, null, null, null, attempt, $"still running after {_options.ItemTimeout.TotalSeconds:0} s (the item time-out)");
                    }

                    continue;
                }

                return Entry(item, result, attempt);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && TransientFailure.Is(e))
            {
                string reason = e is TimeoutException
                    ? $"no answer within {(_options.PollInterval + _options.UnresponsiveAfter).TotalSeconds:0} s (silo gone?)"
                    : $"{e.GetType().Name}: {e.Message.Split('\n')[0]}";
                if (attempt >= _options.MaxAttempts)
                {
                    return new BatchReportEntry(item.Input, BatchReportEntry.Failed, null, null, null, attempt, $"gave up after {attempt} attempts; last: {reason}");
                }

                attempt++;
                var retry = new BatchRetry(item.Input, attempt, reason);
                retries.Enqueue(retry);
                _options.Retrying?.Invoke(retry);
                TimeSpan delay = _options.RetryDelay * Math.Pow(2, Math.Min(attempt - 2, 10));
                await Task.Delay(delay < TimeSpan.FromSeconds(10) ? delay : TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                return new BatchReportEntry(item.Input, BatchReportEntry.Failed, null, null, null, attempt, $"{e.GetType().Name}: {e.Message}");
            }
        }
    }

    private static BatchReportEntry Entry(WorkItem item, WorkItemResult result, int attempt)
    {
        if (result.Error is not null)
        {
            return new BatchReportEntry(item.Input, BatchReportEntry.Failed, null, result.Seconds, result.Silo, attempt, result.Error);
        }

        if (!SegmentationOutputs.AreComplete(item.OutputFolder, item.Input))
        {
            // The silo wrote somewhere this machine does not see: the output folder is not on shared storage.
            return new BatchReportEntry(item.Input, BatchReportEntry.Failed, null, result.Seconds, result.Silo, attempt,
                $"silo {result.Silo} reported its outputs written, but {SegmentationOutputs.MasksPath(item.OutputFolder, item.Input)} is not there as seen from the driver; the output folder must be on storage every silo and the driver share");
        }

        return new BatchReportEntry(item.Input, BatchReportEntry.Done, result.Objects, result.AlreadyDone ? null : result.Seconds, result.Silo, attempt, null);
    }

    private static BatchRunnerOptions Validated(BatchRunnerOptions options)
    {
        if (options.MaxInFlight < 1 || options.MaxAttempts < 1 || options.ItemTimeout <= TimeSpan.Zero || options.PollInterval <= TimeSpan.Zero
            || options.UnresponsiveAfter <= TimeSpan.Zero || options.RetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxInFlight and MaxAttempts must be at least 1, the time-outs and the poll interval positive, RetryDelay not negative");
        }

        return options;
    }
}

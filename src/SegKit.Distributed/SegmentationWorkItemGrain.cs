using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Runtime;

namespace SegKit.Distributed;

/// <summary>
/// Runs one work item on the silo it was placed on. Random placement spreads a job's items over the silos (the default,
/// resource-optimised placement would pile a burst of new activations onto whichever silo looked idlest a moment ago).
/// The work runs on the thread pool while calls come and go; the activation goes once its result has been handed over,
/// so a job of 100,000 images does not leave 100,000 idle grains behind.
/// </summary>
[RandomPlacement]
internal sealed class SegmentationWorkItemGrain(SiloSegmentation segmentation, ILocalSiloDetails silo, IOptions<SegKitWorkerOptions> options) : Grain, ISegmentationWorkItemGrain
{
    private Task<WorkItemResult>? _work;

    public async Task<WorkItemResult?> Run(WorkItem item, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!string.Equals(item.Key, this.GetPrimaryKeyString(), StringComparison.Ordinal))
        {
            throw new ArgumentException($"work item {item.Key} sent to the grain of {this.GetPrimaryKeyString()}", nameof(item));
        }

        _work ??= segmentation.RunAsync(item, options.Value.Name ?? silo.Name, CancellationToken.None);
        if (await Task.WhenAny(_work, Task.Delay(wait)) != _work)
        {
            return null;
        }

        try
        {
            return await _work;
        }
        finally
        {
            // Also after a failure: the next call starts the item afresh.
            _work = null;
            DeactivateOnIdle();
        }
    }
}

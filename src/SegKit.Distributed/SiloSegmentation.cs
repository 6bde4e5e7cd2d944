using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Imaging;
using SegKit.Inference;

namespace SegKit.Distributed;

/// <summary>
/// A silo's segmentation service (a singleton in its DI): each model opened once for the silo's life and shared by every
/// grain, a segmenter per model and settings, and a limit on how many items run at once, so memory stays bounded
/// however many items the driver sends.
/// </summary>
public sealed class SiloSegmentation : IDisposable
{
    private readonly SegKitWorkerOptions _options;
    private readonly ILogger<SiloSegmentation> _logger;
    private readonly ConcurrentDictionary<string, Lazy<SegmentationModel>> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Model, JobSettings Settings), ModelSegmenter> _segmenters = new();
    private readonly SemaphoreSlim _runs;

    public SiloSegmentation(IOptions<SegKitWorkerOptions> options, ILogger<SiloSegmentation> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        if (_options.MaxConcurrentRuns < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxConcurrentRuns, "MaxConcurrentRuns must be at least 1");
        }

        _runs = new SemaphoreSlim(_options.MaxConcurrentRuns);
    }

    /// <summary>Items this silo has begun segmenting (past the wait for a free run).</summary>
    public int Started => _started;

    /// <summary>Items this silo has run to completion, outputs written.</summary>
    public int Completed => _completed;

    private volatile bool _stopping;
    private int _started;
    private int _completed;

    /// <summary>
    /// Segments one item and writes its outputs, unless they are complete already. Problems with the image itself come
    /// back as <see cref="WorkItemResult.Error"/>; anything else (the silo going down) is thrown for the driver to retry.
    /// </summary>
    public async Task<WorkItemResult> RunAsync(WorkItem item, string silo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        string masks = SegmentationOutputs.MasksPath(item.OutputFolder, item.Input);
        if (File.Exists(masks))
        {
            // Done by an earlier attempt (a silo that died after writing, a driver that died before hearing of it).
            return new WorkItemResult { Silo = silo, AlreadyDone = true, Objects = LabelImageFile.Read(masks).MaxLabel };
        }

        await _runs.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            // The image work runs on the thread pool, not on the grain's scheduler, so the silo stays responsive.
            return await Task.Run(() => Segment(item, silo), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _runs.Release();
        }
    }

    private WorkItemResult Segment(WorkItem item, string silo)
    {
        var clock = Stopwatch.StartNew();
        Interlocked.Increment(ref _started);
        _logger.LogInformation("started {Input}", item.Input);
        try
        {
            ModelSegmenter segmenter = SegmenterFor(item);
            Image image = ImageFile.Read(item.Input);
            SegmentationResult result = segmenter.Segment(image, item.Input);
            SegmentationOutputs.Write(item.OutputFolder, item.Input, image, result);
            Interlocked.Increment(ref _completed);
            _logger.LogInformation("finished {Input}: {Objects} objects in {Seconds:0.00} s", item.Input, result.Labels.MaxLabel, clock.Elapsed.TotalSeconds);
            return new WorkItemResult { Silo = silo, Objects = result.Labels.MaxLabel, Seconds = clock.Elapsed.TotalSeconds };
        }
        catch (SegKitException e)
        {
            _logger.LogWarning("failed {Input}: {Message}", item.Input, e.Message);
            return new WorkItemResult { Silo = silo, Seconds = clock.Elapsed.TotalSeconds, Error = e.Message };
        }
    }

    private ModelSegmenter SegmenterFor(WorkItem item)
    {
        string path = BundledModels.IsName(item.Model) ? Path.Combine(_options.BundledModelsDirectory, item.Model + ".onnx") : item.Model;
        Lazy<SegmentationModel> lazy = _models.GetOrAdd(path, p => new Lazy<SegmentationModel>(() => SegmentationModel.Load(p, intraOpThreads: _options.IntraOpThreads)));
        SegmentationModel model;
        try
        {
            model = lazy.Value;
        }
        catch (SegKitException)
        {
            // A Lazy keeps its exception: forget the failure so that the next item tries again (the file may be back).
            _models.TryRemove(new KeyValuePair<string, Lazy<SegmentationModel>>(path, lazy));
            throw;
        }

        return _segmenters.GetOrAdd((path, item.Settings), key => model.CreateSegmenter(key.Settings.ToSegmentOptions()));
    }

    /// <summary>
    /// Waits for the runs in progress (a silo shutting down, or a test killing one in-process) before the models go:
    /// disposing an ONNX Runtime session under a running inference would crash the process.
    /// </summary>
    public void Dispose()
    {
        _stopping = true;
        for (int i = 0; i < _options.MaxConcurrentRuns; i++)
        {
            if (!_runs.Wait(TimeSpan.FromMinutes(2)))
            {
                // A run that will not end: leave the models to the process's exit rather than pull them from under it.
                return;
            }
        }

        foreach (Lazy<SegmentationModel> model in _models.Values.Where(m => m.IsValueCreated))
        {
            model.Value.Dispose();
        }

        _runs.Dispose();
    }
}

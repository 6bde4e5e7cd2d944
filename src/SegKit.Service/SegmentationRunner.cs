using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SegKit.Core;
using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Core.Pipelines;
using SegKit.Imaging;
using SegKit.Inference;
using SegKit.Onnx;

namespace SegKit.Service;

/// <summary>
/// What the endpoints do with an upload: choose the model, check the image's header against the pixel limit before
/// anything is decoded, wait for a place in the <see cref="WorkQueue"/>, decode, run the network and the dynamics,
/// and keep the result in the <see cref="ResultCache"/> for re-thresholding and downloads. Every refusal is a
/// <see cref="RequestRejectedException"/> with its status: 404 unknown model, 400 not an image, 413 too many pixels,
/// 429 queue full, 422 an image the model cannot read (a missing channel).
/// </summary>
public sealed class SegmentationRunner(ModelCatalog catalog, WorkQueue queue, ResultCache cache, ServiceMetrics metrics, IOptions<SegKitServiceOptions> options, ILogger<SegmentationRunner> logger) : IDisposable
{
    // The network runs in flight (plus one while the runner lives): the models' sessions must outlive them, and the
    // container disposes this runner before the catalog it was built on.
    private readonly CountdownEvent _running = new(1);
    private volatile bool _stopping;
    private int _disposed;

    /// <summary>The model used when a request names none: the bundled nuclei model, else the first by name.</summary>
    public string? DefaultModel => catalog.TryGet("nuclei", out _) ? "nuclei" : catalog.Models.FirstOrDefault()?.Name;

    /// <summary>A place in the work queue for a request about to upload an image, or 429 when the queue is full.</summary>
    public WorkLease Admit() => queue.TryAdmit() ?? throw Busy();

    /// <summary>
    /// A running place for work on a cached result (re-thresholding, encoding a download), or 429 when the queue is full.
    /// Such work shares the run places with segmentations: dynamics at 16 megapixels take seconds and hundreds of MB, so
    /// a burst of re-thresholdings or downloads must not run unbounded beside the network runs.
    /// </summary>
    /// <exception cref="OperationCanceledException">The request was cancelled while it waited.</exception>
    public async Task<WorkLease> EnterAsync(CancellationToken cancellationToken) =>
        await queue.EnterAsync(cancellationToken, timed: false).ConfigureAwait(false) ?? throw Busy();

    private RequestRejectedException Busy()
    {
        metrics.Rejected();
        int retry = queue.RetryAfterSeconds();
        return new RequestRejectedException(StatusCodes.Status429TooManyRequests,
            $"the service is busy: {queue.MaxConcurrentRuns} run(s) in progress and {options.Value.QueueLength} waiting (SegKit:MaxConcurrentRuns, SegKit:QueueLength); retry after {retry} s",
            retry);
    }

    /// <param name="lease">The request's place from <see cref="Admit"/>; it is started here (after the cheap checks) and left to the caller to dispose.</param>
    public async Task<SegmentationResponse> SegmentAsync(WorkLease lease, byte[] bytes, string imageName, SegmentQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(query);
        long start = Stopwatch.GetTimestamp();
        ServedModel model = FindModel(query.Model);
        ImageFileInfo info;
        try
        {
            info = ImageFile.Describe(bytes, imageName);
        }
        catch (InvalidImageException e)
        {
            throw new RequestRejectedException(StatusCodes.Status400BadRequest, e.Message);
        }

        double megapixels = (double)info.Width * info.Height / 1e6;
        double limit = options.Value.MaxMegapixels;
        if (megapixels > limit)
        {
            throw new RequestRejectedException(StatusCodes.Status413PayloadTooLarge, string.Create(CultureInfo.InvariantCulture,
                $"{imageName} is {info.Width} x {info.Height} ({megapixels:0.##} megapixels), above this service's limit of {limit:0.##} megapixels per image (SegKit:MaxMegapixels)"));
        }

        // The limit is on what the network sees: a small diameter upscales the image (an estimated one is at least 5 px).
        if (query.Diameter is double diameter && model.Card.Kind == SegmentationModelKind.Cellpose && model.Card.Diameter is double modelDiameter)
        {
            (int sh, int sw) = ScaledSize(info, modelDiameter, diameter, imageName);
            double scaled = (double)sh * sw / 1e6;
            if (scaled > limit)
            {
                throw new RequestRejectedException(StatusCodes.Status413PayloadTooLarge, string.Create(CultureInfo.InvariantCulture,
                    $"{imageName} at diameter={diameter:G4} is resampled to {sw} x {sh} ({scaled:0.##} megapixels) for the model's {modelDiameter:0.#} px objects, above this service's limit of {limit:0.##} megapixels per image (SegKit:MaxMegapixels)"));
            }
        }

        if (_stopping)
        {
            throw new RequestRejectedException(StatusCodes.Status503ServiceUnavailable, "the service is stopping");
        }

        await lease.StartAsync(cancellationToken).ConfigureAwait(false);
        double queued = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (_stopping || !TryStartRun())
        {
            throw new RequestRejectedException(StatusCodes.Status503ServiceUnavailable, "the service is stopping");
        }

        try
        {
            return await Task.Run(() => Run(model, bytes, imageName, query, queued, start, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _running.Signal();
        }
    }

    private static (int Height, int Width) ScaledSize(ImageFileInfo info, double modelDiameter, double diameter, string imageName)
    {
        try
        {
            return CellposePipeline.ScaledSize(info.Height, info.Width, modelDiameter, diameter);
        }
        catch (InvalidImageException e)
        {
            throw new RequestRejectedException(StatusCodes.Status413PayloadTooLarge, $"{imageName}: {e.Message}");
        }
    }

    private bool TryStartRun()
    {
        try
        {
            return _running.TryAddCount();
        }
        catch (ObjectDisposedException)
        {
            return false; // disposed between the check of _stopping and here
        }
    }

    /// <summary>
    /// Waits for the network runs in progress: an ONNX Runtime session disposed under a running inference (SIGTERM during
    /// a long image, past the host's shutdown timeout) would crash the process instead of letting it exit.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping = true;
        _running.Signal();
        if (!_running.Wait(TimeSpan.Zero))
        {
            logger.LogInformation("Waiting for {Count} segmentation(s) in progress before the models are released", _running.CurrentCount);
            _running.Wait();
        }

        _running.Dispose();
    }

    /// <summary>The cached result <paramref name="entry"/> (from <see cref="FindResult"/>) with new dynamics settings (no network run); the caller holds a place from <see cref="EnterAsync"/>.</summary>
    public SegmentationResponse Rethreshold(CachedSegmentation entry, SegmentQuery query)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(query);
        long start = Stopwatch.GetTimestamp();
        CellposePrediction prediction = entry.Prediction
            ?? throw new RequestRejectedException(StatusCodes.Status409Conflict, $"result {entry.Id} comes from the {entry.Model.Card.Kind} model '{entry.Model.Name}', which has no flows to re-threshold; send the image again with other settings");
        SegmentOptions options = query.Options();
        DynamicsOptions dynamics = ModelSegmenter.ResolveDynamics(entry.Model.Card, options);
        long ticket = entry.NextTicket();
        SegmentationResult result = entry.Model.Model.CreateSegmenter(options).Masks(prediction, entry.Image, dynamics);
        entry.Update(ticket, result, dynamics);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return Respond(entry, result, dynamics, new TimingReport(0, 0, 0, seconds, seconds, seconds / Megapixels(entry.Image.Height, entry.Image.Width)), cached: true);
    }

    /// <summary>A cached result, or 404 saying why it may be gone.</summary>
    public CachedSegmentation FindResult(string id) =>
        cache.Get(id) ?? throw new RequestRejectedException(StatusCodes.Status404NotFound, string.Create(CultureInfo.InvariantCulture,
            $"no result '{id}': results are kept for {options.Value.ResultLifetime.TotalMinutes:0.#} minutes after their last use, within {options.Value.ResultCacheBytes / (1024 * 1024)} MB; send the image again"));

    private ServedModel FindModel(string? name)
    {
        if (!catalog.IsReady)
        {
            throw new RequestRejectedException(StatusCodes.Status503ServiceUnavailable, "the models are still loading (see /health/ready)", retryAfterSeconds: 5);
        }

        name ??= DefaultModel;
        return name is not null && catalog.TryGet(name, out ServedModel? model)
            ? model!
            : throw new RequestRejectedException(StatusCodes.Status404NotFound, $"no model named '{name}'; this service has: {string.Join(", ", catalog.Models.Select(m => m.Name))}");
    }

    private SegmentationResponse Run(ServedModel model, byte[] bytes, string imageName, SegmentQuery query, double queued, long start, CancellationToken cancellationToken)
    {
        long phase = Stopwatch.GetTimestamp();
        Image image;
        try
        {
            image = ImageFile.Decode(bytes, imageName);
        }
        catch (InvalidImageException e)
        {
            throw new RequestRejectedException(StatusCodes.Status400BadRequest, e.Message);
        }

        double decode = Stopwatch.GetElapsedTime(phase).TotalSeconds;
        SegmentOptions options = query.Options();
        DynamicsOptions resolved = ModelSegmenter.ResolveDynamics(model.Card, options);
        ModelSegmenter segmenter = model.Model.CreateSegmenter(options);
        phase = Stopwatch.GetTimestamp();
        CellposePrediction? prediction = null;
        SegmentationResult result;
        double network;
        try
        {
            if (segmenter.CanRedoDynamics)
            {
                prediction = segmenter.Predict(image, imageName);
                network = Stopwatch.GetElapsedTime(phase).TotalSeconds;
                cancellationToken.ThrowIfCancellationRequested();
                phase = Stopwatch.GetTimestamp();
                result = segmenter.Masks(prediction, image, resolved);
            }
            else
            {
                result = segmenter.Segment(image, imageName);
                network = Stopwatch.GetElapsedTime(phase).TotalSeconds;
                phase = Stopwatch.GetTimestamp();
            }
        }
        catch (InvalidImageException e)
        {
            throw new RequestRejectedException(StatusCodes.Status422UnprocessableEntity, e.Message);
        }

        double dynamics = Stopwatch.GetElapsedTime(phase).TotalSeconds;
        var entry = new CachedSegmentation(Guid.NewGuid().ToString("N"), model, imageName, PackedImage.Pack(image), prediction, result, resolved);
        bool cached = cache.Add(entry);
        double total = Stopwatch.GetElapsedTime(start).TotalSeconds;
        double megapixels = Megapixels(image.Height, image.Width);
        metrics.Segmented(network + dynamics, megapixels);
        logger.LogInformation("{Image} ({Width}x{Height}) with {Model}: {Count} objects in {Seconds:0.00} s", imageName, image.Width, image.Height, model.Name, result.Objects.Count, total);
        return Respond(entry, result, resolved, new TimingReport(queued, decode, network, dynamics, total, (network + dynamics) / megapixels), cached);
    }

    private static double Megapixels(int height, int width) => Math.Max(1e-6, (double)height * width / 1e6);

    /// <summary>The response for <paramref name="result"/>, the result this request computed (not whichever is current by now).</summary>
    private static SegmentationResponse Respond(CachedSegmentation entry, SegmentationResult result, DynamicsOptions dynamics, TimingReport timing, bool cached)
    {
        double? diameter = entry.Prediction is { } p ? p.Diameter ?? entry.Model.Card.Diameter : null;
        return new SegmentationResponse(
            entry.Id,
            entry.Model.Name,
            entry.ImageName,
            entry.Image.Width,
            entry.Image.Height,
            diameter is double d ? Math.Round(d, 2) : null,
            new SegmentSettings(dynamics.FlowThreshold, dynamics.CellprobThreshold, dynamics.MinSize),
            result.Objects.Count,
            result.Objects.Select(ObjectRow.Of).ToArray(),
            timing,
            ResultLinks.For(entry.Id, entry.Prediction is not null),
            cached);
    }
}

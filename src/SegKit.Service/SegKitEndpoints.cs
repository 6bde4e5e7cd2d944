using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SegKit.Core.IO;
using SegKit.Imaging;
using SegKit.Inference;

namespace SegKit.Service;

/// <summary>
/// The HTTP API. The client always sends the image itself; the service never opens a path a request names.
/// <list type="bullet">
/// <item>GET /models: the models and their cards.</item>
/// <item>POST /segment?model=&amp;diameter=&amp;channels=&amp;flowThreshold=&amp;cellprobThreshold=&amp;minSize=&amp;name=: the image as the body (or a multipart file); JSON back.</item>
/// <item>POST /segment/{id}/masks?flowThreshold=&amp;cellprobThreshold=&amp;minSize=: the dynamics again on the cached network output.</item>
/// <item>GET /segment/{id}/labels.png, labels.tif, overlay.png, objects.csv, flows.npy, cellprob.npy: the current result's files.</item>
/// <item>GET /health/live, /health/ready, /openapi/v1.json, and the viewer at /.</item>
/// </list>
/// </summary>
public static class SegKitEndpoints
{
    private static readonly string[] ResultFiles = ["labels.png", "labels.tif", "overlay.png", "objects.csv", "flows.npy", "cellprob.npy"];

    public static IEndpointRouteBuilder MapSegKit(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        SegKitServiceOptions options = endpoints.ServiceProvider.GetRequiredService<IOptions<SegKitServiceOptions>>().Value;
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        endpoints.MapOpenApi();

        RouteGroupBuilder api = endpoints.MapGroup("/").AddEndpointFilter<ApiKeyFilter>().DisableAntiforgery();
        api.MapGet("models", (ModelCatalog catalog) => catalog.Models.Select(ModelDescription.Of).ToArray())
            .WithName("ListModels").WithSummary("The models this service runs, with their cards.");
        api.MapPost("segment", SegmentAsync)
            .WithName("Segment").WithSummary("Segments the image in the body (PNG, TIFF or JPEG; raw or as a multipart file).")
            .Produces<SegmentationResponse>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422).ProducesProblem(429);
        api.MapPost("segment/{id}/masks", Rethreshold)
            .WithName("Rethreshold").WithSummary("Masks from a cached result's network output with new thresholds (no network run).")
            .Produces<SegmentationResponse>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(429);
        api.MapGet("segment/{id}/{file}", Download)
            .WithName("Download").WithSummary("A file of a cached result: labels.png, labels.tif, overlay.png, objects.csv, flows.npy or cellprob.npy.");
        if (options.EnableViewer)
        {
            ViewerFiles.Map(endpoints);
        }

        return endpoints;
    }

    private static async Task<IResult> SegmentAsync(HttpContext context, SegmentationRunner runner, IOptions<SegKitServiceOptions> options, ServiceMetrics metrics, ILoggerFactory logs)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(options.Value.RequestTimeout);
        return await Answer(context, "segment", metrics, logs, async () =>
        {
            var (query, error) = SegmentQuery.Parse(context.Request.Query, masksOnly: false);
            if (query is null)
            {
                throw new RequestRejectedException(StatusCodes.Status400BadRequest, error!);
            }

            // A place in the queue first: when the service is full, the upload is not even read.
            using WorkLease lease = runner.Admit();
            try
            {
                var (bytes, fileName) = await UploadReader.ReadAsync(context.Request, options.Value.MaxRequestBytes, timeout.Token).ConfigureAwait(false);
                string name = query.Name ?? fileName ?? "upload";
                return Results.Json(await runner.SegmentAsync(lease, bytes, name, query, timeout.Token).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                throw TimedOut(options.Value, "uploading or waiting for a run");
            }
        }).ConfigureAwait(false);
    }

    private static RequestRejectedException TimedOut(SegKitServiceOptions options, string doing) =>
        new(StatusCodes.Status504GatewayTimeout, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"the request took longer than this service's limit of {options.RequestTimeout.TotalSeconds:0} s (SegKit:RequestTimeout), {doing}; try again later"));

    /// <summary>
    /// Work on the cached result <paramref name="id"/> in a place of the work queue (429 when it is full, 504 past the
    /// request's time limit), off the request thread: an unknown id is a 404 before any waiting, and one that expired
    /// while it waited a 404 after.
    /// </summary>
    private static async Task<T> OnCachedResultAsync<T>(HttpContext context, SegmentationRunner runner, SegKitServiceOptions options, string id, Func<CachedSegmentation, T> work)
    {
        runner.FindResult(id);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            using WorkLease lease = await runner.EnterAsync(timeout.Token).ConfigureAwait(false);
            return await Task.Run(() => work(runner.FindResult(id)), timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            throw TimedOut(options, "waiting for a run");
        }
    }

    private static Task<IResult> Rethreshold(HttpContext context, string id, SegmentationRunner runner, IOptions<SegKitServiceOptions> options, ServiceMetrics metrics, ILoggerFactory logs) =>
        Answer(context, "masks", metrics, logs, async () =>
        {
            var (query, error) = SegmentQuery.Parse(context.Request.Query, masksOnly: true);
            if (query is null)
            {
                throw new RequestRejectedException(StatusCodes.Status400BadRequest, error!);
            }

            return Results.Json(await OnCachedResultAsync(context, runner, options.Value, id, entry => runner.Rethreshold(entry, query)).ConfigureAwait(false));
        });

    private static Task<IResult> Download(HttpContext context, string id, string file, SegmentationRunner runner, IOptions<SegKitServiceOptions> options, ServiceMetrics metrics, ILoggerFactory logs) =>
        Answer(context, "download", metrics, logs, () => !ResultFiles.Contains(file)
            ? throw new RequestRejectedException(StatusCodes.Status404NotFound, $"no file '{file}'; a result has {string.Join(", ", ResultFiles)}")
            : OnCachedResultAsync(context, runner, options.Value, id, entry =>
        {
            SegmentationResult result = entry.Current.Result;
            string stem = Path.GetFileNameWithoutExtension(entry.ImageName);
            IResult answer = file switch
            {
                "labels.png" when result.Labels.MaxLabel > LabelImageFile.MaxLabel16 => throw new RequestRejectedException(StatusCodes.Status422UnprocessableEntity,
                    $"result {id} has {result.Labels.MaxLabel} objects, more than a 16-bit PNG can number (65535); download labels.tif"),
                "labels.png" => Results.File(LabelImageFile.Encode(result.Labels, ".png"), "image/png", $"{stem}_masks.png"),
                "labels.tif" => Results.File(LabelImageFile.Encode(result.Labels, ".tif"), "image/tiff", $"{stem}_masks.tif"),
                "overlay.png" => Results.File(Overlay.EncodePng(entry.Image.Unpack(), result.Labels), "image/png", $"{stem}_overlay.png"),
                "objects.csv" => Results.File(Encoding.UTF8.GetBytes(ObjectTable.ToCsv(result.Labels, entry.Image.Unpack())), "text/csv", $"{stem}_objects.csv"),
                "flows.npy" when result.Flows is { } flows => Results.File(Npy(s => NpyFile.Write<float>(s, "<f4", flows.Data, 2, flows.Height, flows.Width)), "application/octet-stream", $"{stem}_flows.npy"),
                "cellprob.npy" when result.Probability is { } p && entry.Prediction is not null => Results.File(Npy(s => NpyFile.Write<float>(s, "<f4", p.AsSpan(), entry.Image.Height, entry.Image.Width)), "application/octet-stream", $"{stem}_cellprob.npy"),
                "flows.npy" or "cellprob.npy" => throw new RequestRejectedException(StatusCodes.Status404NotFound, $"result {id} comes from a {entry.Model.Card.Kind} model, which has no flows"),
                _ => throw new InvalidOperationException($"{file} is in ResultFiles without an answer"),
            };
            return answer;
        }));

    private static byte[] Npy(Action<Stream> write)
    {
        using var stream = new MemoryStream();
        write(stream);
        return stream.ToArray();
    }

    /// <summary>Runs a handler, turning refusals into problem answers with their status (and Retry-After), and counting the answer.</summary>
    private static async Task<IResult> Answer(HttpContext context, string endpoint, ServiceMetrics metrics, ILoggerFactory logs, Func<Task<IResult>> handler)
    {
        IResult result;
        int status;
        try
        {
            result = await handler().ConfigureAwait(false);
            status = StatusCodes.Status200OK;
        }
        catch (RequestRejectedException e)
        {
            status = e.StatusCode;
            if (e.RetryAfterSeconds is int seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            result = Results.Problem(detail: e.Message, statusCode: e.StatusCode, title: ReasonPhrases.GetReasonPhrase(e.StatusCode));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody reads the answer; its work was dropped as early as possible.
            status = 499;
            result = Results.Empty;
        }
        catch (Exception e)
        {
            logs.CreateLogger(typeof(SegKitEndpoints)).LogError(e, "{Endpoint} failed", endpoint);
            status = StatusCodes.Status500InternalServerError;
            result = Results.Problem(detail: "the service failed on this request; the error is in its log", statusCode: status);
        }

        metrics.Request(endpoint, status);
        return result;
    }
}

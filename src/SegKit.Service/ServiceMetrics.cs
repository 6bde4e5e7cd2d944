using System.Diagnostics.Metrics;

namespace SegKit.Service;

/// <summary>
/// The service's metrics on a <see cref="Meter"/> named <see cref="MeterName"/> (read them with dotnet-counters, or
/// export them with OpenTelemetry's AddMeter): requests by endpoint and status, runs refused because the queue was
/// full, queue length and runs in progress, seconds per megapixel.
/// </summary>
public sealed class ServiceMetrics : IDisposable
{
    public const string MeterName = "SegKit.Service";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _secondsPerMegapixel;

    public ServiceMetrics(IMeterFactory meters, WorkQueue queue, ResultCache cache)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(MeterName);
        _requests = _meter.CreateCounter<long>("segkit.requests", description: "Requests answered, by endpoint and status code");
        _rejected = _meter.CreateCounter<long>("segkit.queue.rejected", description: "Segmentations refused with 429 because the queue was full");
        _secondsPerMegapixel = _meter.CreateHistogram<double>("segkit.segment.seconds_per_megapixel", unit: "s/MP", description: "Network and dynamics time per megapixel of image");
        _meter.CreateObservableGauge("segkit.queue.waiting", () => queue.Waiting, description: "Requests waiting for a network run");
        _meter.CreateObservableGauge("segkit.queue.admitted", () => queue.Admitted, description: "Requests running or waiting");
        _meter.CreateObservableGauge("segkit.cache.bytes", () => cache.Bytes, unit: "By", description: "Memory held by cached results");
    }

    /// <summary>This service's meter (each service in a process has its own, from its IMeterFactory).</summary>
    internal Meter Meter => _meter;

    public void Request(string endpoint, int status) =>
        _requests.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint), new KeyValuePair<string, object?>("status", status));

    public void Rejected() => _rejected.Add(1);

    public void Segmented(double seconds, double megapixels)
    {
        if (megapixels > 0)
        {
            _secondsPerMegapixel.Record(seconds / megapixels);
        }
    }

    public void Dispose() => _meter.Dispose();
}

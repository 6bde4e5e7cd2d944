using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace SegKit.Service.Tests;

/// <summary>The service's metrics, read the way dotnet-counters or OpenTelemetry read them (a MeterListener).</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Requests_rejections_queue_length_and_seconds_per_megapixel_are_measured()
    {
        await using var factory = new ServiceFactory(new Dictionary<string, string> { ["MaxConcurrentRuns"] = "1", ["QueueLength"] = "0" });
        using HttpClient client = await factory.ReadyClientAsync();
        // This service's meter only: other test classes run services of their own at the same time.
        Meter meter = factory.Services.GetRequiredService<ServiceMetrics>().Meter;
        Assert.Equal(ServiceMetrics.MeterName, meter.Name);
        var measurements = new ConcurrentBag<(string Instrument, double Value, string Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add((i.Name, v, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => measurements.Add((i.Name, v, "")));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add((i.Name, v, "")));
        listener.Start();

        byte[] png = File.ReadAllBytes(Path.Combine(ServiceFactory.Samples, "dsb_4be73d68.png"));
        HttpResponseMessage[] answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Http.PostImageAsync(client, png))));
        await client.GetAsync("/models");
        listener.RecordObservableInstruments();

        int ok = answers.Count(a => a.IsSuccessStatusCode);
        int busy = answers.Length - ok;
        Assert.True(busy > 0, "the burst was not refused in part");
        Assert.Equal(ok, measurements.Count(m => m.Instrument == "segkit.requests" && m.Tags == "endpoint=segment,status=200"));
        Assert.Equal(busy, measurements.Count(m => m.Instrument == "segkit.requests" && m.Tags == "endpoint=segment,status=429"));
        Assert.Equal(busy, measurements.Count(m => m.Instrument == "segkit.queue.rejected"));
        double[] perMegapixel = measurements.Where(m => m.Instrument == "segkit.segment.seconds_per_megapixel").Select(m => m.Value).ToArray();
        Assert.Equal(ok, perMegapixel.Length);
        Assert.All(perMegapixel, v => Assert.InRange(v, 0.01, 1000));
        Assert.Contains(measurements, m => m.Instrument == "segkit.queue.waiting" && m.Value == 0);
        Assert.Contains(measurements, m => m.Instrument == "segkit.cache.bytes" && m.Value > 0);
    }
}

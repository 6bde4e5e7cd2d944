using Microsoft.Extensions.DependencyInjection;
using SegKit.Core.Images;
using SegKit.Imaging;

namespace SegKit.Service.Tests;

/// <summary>Stopping while a network runs: the models' sessions must outlive the run, or the process dies natively.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task The_runner_outlives_a_network_run_in_progress_then_refuses_new_ones()
    {
        await using var factory = new ServiceFactory();
        using HttpClient client = await factory.ReadyClientAsync();
        SegmentationRunner runner = factory.Services.GetRequiredService<SegmentationRunner>();

        // A 1024 x 1024 image: about a second of network, long enough to be in progress when disposal starts.
        var labels = new LabelImage(1024, 1024);
        for (int i = 0; i < labels.Buffer.Length; i += 7)
        {
            labels.Buffer[i] = 1 + (i % 200);
        }

        byte[] png = LabelImageFile.Encode(labels, ".png");
        WorkLease lease = runner.Admit();
        Task<SegmentationResponse> running = runner.SegmentAsync(lease, png, "big.png", new SegmentQuery { Diameter = 17 }, CancellationToken.None);
        Assert.False(running.IsCompleted);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        runner.Dispose(); // what the host's container does on SIGTERM, before it disposes the model catalog
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(0.3), $"Dispose returned after {clock.Elapsed.TotalSeconds:0.00} s, with the network still running");
        Assert.Equal(1024, (await running).Width);
        lease.Dispose();

        using WorkLease late = runner.Admit();
        var refused = await Assert.ThrowsAsync<RequestRejectedException>(() => runner.SegmentAsync(late, png, "late.png", new SegmentQuery { Diameter = 17 }, CancellationToken.None));
        Assert.Equal(503, refused.StatusCode);
    }
}

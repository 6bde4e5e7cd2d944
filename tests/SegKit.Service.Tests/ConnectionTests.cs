using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace SegKit.Service.Tests;

/// <summary>Clients that go away, on real sockets: the service frees what they held and keeps answering.</summary>
public sealed class ConnectionTests
{
    private static string Sample => Path.Combine(ServiceFactory.Samples, "dsb_4be73d68.png");

    [Fact]
    public async Task A_client_that_disconnects_mid_upload_leaves_the_service_as_it_was()
    {
        await using KestrelService service = await KestrelService.StartAsync();
        WorkQueue queue = service.Services.GetRequiredService<WorkQueue>();
        for (int i = 0; i < 3; i++)
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(service.Address.Host, service.Address.Port);
            NetworkStream stream = socket.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /segment HTTP/1.1\r\nHost: {service.Address.Authority}\r\nContent-Type: image/png\r\nContent-Length: 1000000\r\n\r\n"));
            await stream.WriteAsync(File.ReadAllBytes(Sample).AsMemory(0, 4000));
            await stream.FlushAsync();
        }

        using var client = new HttpClient { BaseAddress = service.Address };
        Assert.True((await Http.SegmentAsync(client, Sample)).ObjectCount > 10);
        Assert.Equal(0, queue.Admitted);
    }

    [Fact]
    public async Task A_client_that_gives_up_while_waiting_for_a_run_frees_its_place_in_the_queue()
    {
        await using KestrelService service = await KestrelService.StartAsync(o => o.MaxConcurrentRuns = 1);
        WorkQueue queue = service.Services.GetRequiredService<WorkQueue>();
        using var client = new HttpClient { BaseAddress = service.Address };
        byte[] png = File.ReadAllBytes(Sample);

        using (WorkLease? held = await queue.EnterAsync(CancellationToken.None))
        {
            using var giveUp = new CancellationTokenSource();
            Task<HttpResponseMessage> waiting = client.PostAsync("/segment", new ByteArrayContent(png), giveUp.Token);
            await WaitUntil(() => queue.Admitted == 2);
            giveUp.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
            await WaitUntil(() => queue.Admitted == 1);
        }

        Assert.Equal(0, queue.Admitted);
        Assert.True((await Http.SegmentAsync(client, Sample)).ObjectCount > 10);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (int i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "the service did not reach the expected state within 10 s");
    }
}

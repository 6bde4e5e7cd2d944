using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SegKit.Service.Tests;

/// <summary>The service on real Kestrel sockets on 127.0.0.1 (a free port), for a browser and for clients that hang up.</summary>
public sealed class KestrelService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelService(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<KestrelService> StartAsync(Action<SegKitServiceOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSegKit(configure: options =>
        {
            options.IncludeBundledModels = false;
            options.ModelsDirectory = ServiceFactory.Models;
            configure?.Invoke(options);
        });
        WebApplication app = builder.Build();
        app.MapSegKit();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var service = new KestrelService(app, new Uri(address));
        using var client = new HttpClient { BaseAddress = service.Address };
        await Ready.WaitAsync(client);
        return service;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using System.CommandLine;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using SegKit.Service;

namespace SegKit.Cli.Commands;

/// <summary>
/// segkit serve: the SegKit service (SegKit.Service) on Kestrel, with the web viewer at / . Settings come from the
/// options here, else from the configuration (appsettings.json beside the tool, or environment variables such as
/// SegKit__ApiKey), else SegKit's defaults.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var port = new Option<int>("--port") { DefaultValueFactory = _ => 5000, Description = "TCP port to listen on (0: any free port, printed at start)." };
        var host = new Option<string>("--host") { DefaultValueFactory = _ => "127.0.0.1", Description = "Address to listen on: 127.0.0.1 (this machine only) or 0.0.0.0 (every interface; set an API key)." };
        var models = new Option<string?>("--models") { Description = "A folder of SegKit ONNX models to serve, each under its file name (besides the bundled nuclei and membranes models)." };
        var noBundled = new Option<bool>("--no-bundled") { Description = "Serve only the models of --models, not the bundled ones." };
        var apiKey = new Option<string?>("--api-key") { Description = "Require this key in the X-Api-Key header of every API request (or set SegKit__ApiKey in the environment)." };
        var concurrent = new Option<int?>("--max-concurrent") { Description = "Network runs at a time (default 1)." };
        var queue = new Option<int?>("--queue") { Description = "Requests that may wait for a run; more get 429 (default 4)." };
        var megapixels = new Option<double?>("--max-megapixels") { Description = "Largest image accepted, in megapixels (default 16)." };
        var cache = new Option<int?>("--cache-mb") { Description = "Memory for cached results (re-thresholding, downloads), in MB (default 512)." };
        var metrics = new Option<bool>("--metrics") { Description = "Export the service's metrics (OpenTelemetry, meter SegKit.Service) for Prometheus at GET /metrics." };
        var command = new Command("serve", "Run the SegKit service: an HTTP API (POST /segment, GET /models, health checks, OpenAPI at /openapi/v1.json) and a web viewer at /.")
        {
            port, host, models, noBundled, apiKey, concurrent, queue, megapixels, cache, metrics,
        };
        command.SetAction(result =>
        {
            int p = result.GetValue(port);
            if (p is < 0 or > 65535)
            {
                throw new CliUsageException($"--port must be 0 to 65535, not {p}");
            }

            string? modelsDir = result.GetValue(models);
            if (modelsDir is not null && !Directory.Exists(modelsDir))
            {
                throw new CliUsageException($"--models {modelsDir}: no such folder");
            }

            return Execute(console, result.GetValue(host)!, p, result.GetValue(metrics), options =>
            {
                options.ModelsDirectory = modelsDir ?? options.ModelsDirectory;
                options.IncludeBundledModels = !result.GetValue(noBundled) && options.IncludeBundledModels;
                options.BundledModelsDirectory = Path.Combine(AppContext.BaseDirectory, "models");
                options.ApiKey = result.GetValue(apiKey) ?? options.ApiKey;
                options.MaxConcurrentRuns = result.GetValue(concurrent) ?? options.MaxConcurrentRuns;
                options.QueueLength = result.GetValue(queue) ?? options.QueueLength;
                options.MaxMegapixels = result.GetValue(megapixels) ?? options.MaxMegapixels;
                options.ResultCacheBytes = result.GetValue(cache) is int mb ? mb * 1024L * 1024 : options.ResultCacheBytes;
            });
        });
        return command;
    }

    private static int Execute(CliConsole console, string host, int port, bool metrics, Action<SegKitServiceOptions> configure)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}"));
        builder.Services.AddSegKit(builder.Configuration, configure);
        if (metrics)
        {
            builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(ServiceMetrics.MeterName).AddPrometheusExporter());
        }

        WebApplication app = builder.Build();
        app.MapSegKit();
        if (metrics)
        {
            app.MapPrometheusScrapingEndpoint();
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            console.Out.WriteLine($"segkit serve: listening on {string.Join(", ", addresses)} (viewer at /, API key {(app.Services.GetRequiredService<IOptions<SegKitServiceOptions>>().Value.ApiKey is null ? "off" : "on")}); Ctrl+C stops");
        });
        try
        {
            app.Run();
        }
        catch (OptionsValidationException e)
        {
            throw new CliUsageException(e.Message);
        }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliUsageException($"cannot listen on {host}:{port}: {e.Message}");
        }

        return ExitCodes.Success;
    }
}

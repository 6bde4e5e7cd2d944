using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace SegKit.Distributed;

/// <summary>
/// Hosts for segkit silo and segkit batch. Configuration comes from appsettings.json beside the tool and environment
/// variables (Orleans__ClusterId, Orleans__Clustering__ProviderType, ...). When it has an "Orleans" section, Orleans
/// reads the cluster ids, endpoints and clustering provider from it (ADO.NET, Redis, Azure: whichever provider package
/// the host carries), so a real cluster needs no code; without one, the cluster is on this machine (localhost).
/// </summary>
public static class SegKitClusterHosting
{
    public const string OrleansSection = "Orleans";

    /// <summary>How long a client keeps trying to reach its first gateway.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A silo that runs SegKit work items.</summary>
    public static HostApplicationBuilder CreateSiloBuilder(LocalCluster local, Action<SegKitWorkerOptions>? configure = null, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        HostApplicationBuilder builder = CreateBuilder(settings);
        bool configured = builder.Configuration.GetSection(OrleansSection).Exists();
        builder.UseOrleans(silo =>
        {
            if (!configured)
            {
                silo.UseLocalhostClustering(local.SiloPort, local.GatewayPort, local.Primary ?? new IPEndPoint(IPAddress.Loopback, local.SiloPort), local.ServiceId, local.ClusterId);
            }

            silo.AddSegKitWorkers(configure);
        });
        return builder;
    }

    /// <summary>A client that hands work items to the cluster.</summary>
    /// <param name="gateways">Gateways to connect to when the configuration names no clustering provider.</param>
    /// <param name="responseTimeout">How long one work item may take before its call is given up and retried.</param>
    public static HostApplicationBuilder CreateClientBuilder(IReadOnlyList<IPEndPoint> gateways, TimeSpan responseTimeout, string clusterId = LocalCluster.DefaultId, string serviceId = LocalCluster.DefaultId, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(gateways);
        HostApplicationBuilder builder = CreateBuilder(settings);
        bool configured = builder.Configuration.GetSection(OrleansSection).Exists();
        builder.UseOrleansClient(client =>
        {
            if (!configured)
            {
                client.UseStaticClustering(gateways.ToArray());
                client.Services.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = serviceId;
                });
            }

            client.Services.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout);

            // Orleans retries a first connection for ever; a batch with no cluster to talk to should say so and stop.
            var connecting = System.Diagnostics.Stopwatch.StartNew();
            client.UseConnectionRetryFilter(async (_, cancellationToken) =>
            {
                if (connecting.Elapsed > ConnectTimeout)
                {
                    return false;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                return true;
            });
        });
        return builder;
    }

    private static HostApplicationBuilder CreateBuilder(IEnumerable<KeyValuePair<string, string?>>? settings)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        // Orleans' own information logs would drown the job's progress; its warnings and errors still show.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // A host that cannot start is reported by the command in one line; the host's own stack trace adds nothing.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        return builder;
    }
}

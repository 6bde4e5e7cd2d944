using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SegKit.Core;
using SegKit.Distributed;

namespace SegKit.Cli.Commands;

/// <summary>
/// segkit silo: an Orleans silo that segments the work items of segkit batch jobs. Without an "Orleans" configuration
/// section (appsettings.json beside the tool, or Orleans__* environment variables) the cluster is on this machine:
/// the first silo is the primary, the others name it with --primary.
/// </summary>
internal static class SiloCommand
{
    public static Command Create(CliConsole console)
    {
        var siloPort = new Option<int>("--silo-port") { DefaultValueFactory = _ => 11111, Description = "Port for the other silos (cluster on this machine only)." };
        var gatewayPort = new Option<int>("--gateway-port") { DefaultValueFactory = _ => 30000, Description = "Port for clients, e.g. segkit batch --gateway (cluster on this machine only)." };
        var primary = new Option<string?>("--primary") { Description = "The primary silo's silo port, PORT or HOST:PORT; without it this silo is the primary (cluster on this machine only)." };
        var clusterId = new Option<string>("--cluster-id") { DefaultValueFactory = _ => LocalCluster.DefaultId, Description = "Cluster id (cluster on this machine only; a configured cluster takes Orleans:ClusterId)." };
        var serviceId = new Option<string>("--service-id") { DefaultValueFactory = _ => LocalCluster.DefaultId, Description = "Service id (cluster on this machine only; a configured cluster takes Orleans:ServiceId)." };
        var name = new Option<string?>("--name") { Description = "This silo's name in job reports (default: host name and silo port)." };
        var concurrent = new Option<int>("--max-concurrent") { DefaultValueFactory = _ => 1, Description = "Images segmented at once on this silo (ONNX Runtime already uses every core for one)." };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 0, Description = "ONNX Runtime threads per image (0: every core)." };
        var command = new Command("silo", "Run an Orleans silo that segments the images of segkit batch jobs, until Ctrl+C or SIGTERM.")
        {
            siloPort, gatewayPort, primary, clusterId, serviceId, name, concurrent, threads,
        };
        command.SetAction(result =>
        {
            int silo = Endpoints.CheckedPort(result.GetValue(siloPort), "--silo-port");
            int gateway = Endpoints.CheckedPort(result.GetValue(gatewayPort), "--gateway-port");
            int runs = result.GetValue(concurrent);
            if (runs < 1)
            {
                throw new CliUsageException($"--max-concurrent must be at least 1, not {runs}");
            }

            int intraOp = result.GetValue(threads);
            if (intraOp < 0)
            {
                throw new CliUsageException($"--threads must be 0 (every core) or more, not {intraOp}");
            }

            var local = new LocalCluster
            {
                SiloPort = silo,
                GatewayPort = gateway,
                Primary = result.GetValue(primary) is { } p ? Endpoints.Parse(p, "--primary") : null,
                ClusterId = result.GetValue(clusterId)!,
                ServiceId = result.GetValue(serviceId)!,
            };
            string siloName = result.GetValue(name) ?? $"{Environment.MachineName}:{silo}";
            return Execute(console, local, siloName, o =>
            {
                o.Name = siloName;
                o.MaxConcurrentRuns = runs;
                o.IntraOpThreads = intraOp;
                o.BundledModelsDirectory = BundledModels.DefaultDirectory;
            });
        });
        return command;
    }

    private static int Execute(CliConsole console, LocalCluster local, string name, Action<SegKitWorkerOptions> configure)
    {
        HostApplicationBuilder builder = SegKitClusterHosting.CreateSiloBuilder(local, configure);
        bool configured = builder.Configuration.GetSection(SegKitClusterHosting.OrleansSection).Exists();
        using IHost host = builder.Build();
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
        {
            string where = configured
                ? $"clustering from the {SegKitClusterHosting.OrleansSection} configuration section"
                : $"silo port {local.SiloPort}, gateway port {local.GatewayPort}, {(local.Primary is null ? "primary" : $"primary {local.Primary}")}";
            console.Out.WriteLine($"segkit silo {name}: ready ({where}); Ctrl+C stops");
            console.Out.Flush();
        });
        try
        {
            host.Run();
        }
        catch (Exception e) when (e is not SegKitException and not OutOfMemoryException)
        {
            throw new SegKitException($"silo {name} stopped: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
        }

        return ExitCodes.Success;
    }
}

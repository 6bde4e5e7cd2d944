using Microsoft.Extensions.DependencyInjection;

namespace SegKit.Distributed;

/// <summary>Makes an Orleans silo a SegKit worker (segkit silo, a test cluster, or a silo of your own).</summary>
public static class SegKitSiloBuilderExtensions
{
    public static ISiloBuilder AddSegKitWorkers(this ISiloBuilder silo, Action<SegKitWorkerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddOptions<SegKitWorkerOptions>().Configure(o => configure?.Invoke(o));
        silo.Services.AddSingleton<SiloSegmentation>();
        return silo;
    }
}

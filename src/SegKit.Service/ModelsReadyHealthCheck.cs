using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SegKit.Service;

/// <summary>/health/ready: healthy once the models have loaded (and at least one did).</summary>
public sealed class ModelsReadyHealthCheck(ModelCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(catalog.IsReady
            ? HealthCheckResult.Healthy($"{catalog.Models.Count} model(s): {string.Join(", ", catalog.Models.Select(m => m.Name))}")
            : HealthCheckResult.Unhealthy("the models are loading, or none could be loaded (see the log)"));
}

using Microsoft.Extensions.Hosting;

namespace SegKit.Service;

/// <summary>Loads the models in the background at start, so /health/live answers at once and /health/ready when they are in.</summary>
public sealed class ModelLoadingService(ModelCatalog catalog) : IHostedService
{
    private Task? _loading;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loading = Task.Run(catalog.Load, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _loading?.WaitAsync(cancellationToken) ?? Task.CompletedTask;
}

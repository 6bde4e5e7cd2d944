using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SegKit.Service;

public static class SegKitServiceCollectionExtensions
{
    /// <summary>
    /// Registers the SegKit service: its options (bound from <paramref name="configuration"/>'s "SegKit" section when
    /// given, then <paramref name="configure"/>), the model catalog (loaded in the background at start), the work queue,
    /// the result cache, metrics, health checks and OpenAPI. Map the endpoints with <c>app.MapSegKit()</c>.
    /// </summary>
    public static IServiceCollection AddSegKit(this IServiceCollection services, IConfiguration? configuration = null, Action<SegKitServiceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<SegKitServiceOptions> options = services.AddOptions<SegKitServiceOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(SegKitServiceOptions.SectionName));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o =>
        {
            o.Validate();
            return true;
        }).ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<WorkQueue>();
        services.AddSingleton<ResultCache>();
        services.AddSingleton<ServiceMetrics>();
        services.AddSingleton<SegmentationRunner>();
        services.AddSingleton<ApiKeyFilter>();
        services.AddHostedService<ModelLoadingService>();
        services.AddHealthChecks().AddCheck<ModelsReadyHealthCheck>("models", tags: ["ready"]);
        services.AddProblemDetails();
        services.AddOpenApi();
        return services;
    }
}

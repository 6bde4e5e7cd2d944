using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SegKit.Testing;

namespace SegKit.Service.Tests;

/// <summary>
/// The sample service (samples/service: AddSegKit + MapSegKit) in memory, serving the repository's models, with the
/// SegKit settings a test gives (configuration keys without the "SegKit:" prefix).
/// </summary>
public sealed class ServiceFactory(IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    public static string Models => Path.Combine(RepositoryLayout.Root, "models");

    public static string Samples => Path.Combine(RepositoryLayout.Root, "models", "samples", "images");

    public static string SampleMasks => Path.Combine(RepositoryLayout.Root, "models", "samples", "masks");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("SegKit:IncludeBundledModels", "false");
        builder.UseSetting("SegKit:ModelsDirectory", Models);
        foreach ((string key, string value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting($"SegKit:{key}", value);
        }
    }

    /// <summary>A client once the models have loaded (/health/ready).</summary>
    public async Task<HttpClient> ReadyClientAsync()
    {
        HttpClient client = CreateClient();
        await Ready.WaitAsync(client);
        return client;
    }
}

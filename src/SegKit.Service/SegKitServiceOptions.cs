namespace SegKit.Service;

/// <summary>
/// How the service runs: where its models come from, and the limits that keep it up under any load (bound from the
/// configuration section <see cref="SectionName"/>, e.g. <c>SegKit:MaxConcurrentRuns</c>).
/// </summary>
public sealed class SegKitServiceOptions
{
    public const string SectionName = "SegKit";

    /// <summary>A folder of SegKit ONNX models (*.onnx with a model card); each is served under its file name without the extension.</summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>Also serve the models shipped beside the application (a <c>models</c> folder next to it, as the segkit tool has).</summary>
    public bool IncludeBundledModels { get; set; } = true;

    /// <summary>Where the bundled models are; default: <c>models</c> beside the application.</summary>
    public string BundledModelsDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>The largest request body (an encoded image) accepted, in bytes; larger ones get 413.</summary>
    public long MaxRequestBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The largest image accepted, in megapixels, checked from its header before it is decoded; larger ones get 413.</summary>
    public double MaxMegapixels { get; set; } = 16;

    /// <summary>Network runs at a time (each uses the ONNX Runtime threads of its session).</summary>
    public int MaxConcurrentRuns { get; set; } = 1;

    /// <summary>Requests that may wait for a run; beyond them a request gets 429 with Retry-After, so memory stays bounded.</summary>
    public int QueueLength { get; set; } = 4;

    /// <summary>How long a request may take, waiting included; past it the request ends with 504.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>When set, every API request must send it in the <c>X-Api-Key</c> header (401 otherwise); health checks and the viewer's files need none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Memory for cached network outputs (re-thresholding and downloads), in bytes; the oldest go first.</summary>
    public long ResultCacheBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>How long a cached result lives after its last use.</summary>
    public TimeSpan ResultLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>ONNX Runtime intra-op threads per session (0: ONNX Runtime's default, one per core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Serve the web viewer at <c>/</c>.</summary>
    public bool EnableViewer { get; set; } = true;

    /// <summary>Checks the settings once, at start, with a message naming the one that is wrong.</summary>
    internal void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new InvalidOperationException($"SegKit service settings: {message}");
            }
        }

        Require(MaxRequestBytes > 0, $"MaxRequestBytes must be positive, not {MaxRequestBytes}");
        Require(MaxMegapixels > 0 && double.IsFinite(MaxMegapixels), $"MaxMegapixels must be a positive number, not {MaxMegapixels}");
        Require(MaxConcurrentRuns >= 1, $"MaxConcurrentRuns must be at least 1, not {MaxConcurrentRuns}");
        Require(QueueLength >= 0, $"QueueLength must be 0 or more, not {QueueLength}");
        Require(RequestTimeout > TimeSpan.Zero, $"RequestTimeout must be positive, not {RequestTimeout}");
        Require(ResultCacheBytes >= 0, $"ResultCacheBytes must be 0 or more, not {ResultCacheBytes}");
        Require(ResultLifetime > TimeSpan.Zero, $"ResultLifetime must be positive, not {ResultLifetime}");
        Require(IntraOpThreads >= 0, $"IntraOpThreads must be 0 or more, not {IntraOpThreads}");
        Require(ApiKey is null || ApiKey.Length >= 8, "ApiKey must be at least 8 characters (or unset)");
        Require(ModelsDirectory is null || Directory.Exists(ModelsDirectory), $"ModelsDirectory {ModelsDirectory} does not exist");
    }
}

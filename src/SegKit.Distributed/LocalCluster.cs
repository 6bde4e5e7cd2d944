using System.Net;

namespace SegKit.Distributed;

/// <summary>
/// Where a cluster on one machine listens, for when the configuration has no "Orleans" section: each silo's port for
/// other silos and its gateway port for clients, and the primary silo every other one joins through (Orleans'
/// development clustering keeps the membership table in the primary, so the primary must outlive the job).
/// </summary>
public sealed record LocalCluster
{
    public const string DefaultId = "segkit";

    public int SiloPort { get; init; } = 11111;

    public int GatewayPort { get; init; } = 30000;

    /// <summary>The primary silo's silo endpoint; null: this silo is the primary.</summary>
    public IPEndPoint? Primary { get; init; }

    public string ClusterId { get; init; } = DefaultId;

    public string ServiceId { get; init; } = DefaultId;
}

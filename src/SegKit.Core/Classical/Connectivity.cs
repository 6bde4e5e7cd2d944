namespace SegKit.Core.Classical;

/// <summary>Which neighbours make pixels one object: edge-sharing only (4) or corners too (8).</summary>
public enum Connectivity
{
    Four = 4,
    Eight = 8,
}

using System.Security.Cryptography;
using SegKit.Core;
using SegKit.Core.Flows;
using SegKit.Core.Images;
using SegKit.Core.IO;

namespace SegKit.Training.Data;

/// <summary>
/// Cellpose flow targets on disk, one .npy per mask keyed by the SHA-256 of the mask file's bytes (and the flow
/// algorithm's version): a changed mask gets a new key, an unchanged one is never recomputed. Entries are written
/// atomically; an unreadable or mis-shaped entry is recomputed and replaced.
/// </summary>
public sealed class FlowCache
{
    // Bump when MaskFlows.Compute changes its output, so old entries are not reused.
    private const string Version = "flows-v1";

    private readonly string _folder;

    public FlowCache(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        _folder = folder;
    }

    /// <summary>The default location: $XDG_CACHE_HOME/segkit/flows, else ~/.cache/segkit/flows.</summary>
    public static string DefaultFolder
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
            return Path.Combine(root, "segkit", "flows");
        }
    }

    /// <summary>The flows of <paramref name="instances"/> (the renumbered labels of <paramref name="maskPath"/>), from the cache when present.</summary>
    public FlowField GetOrCompute(string maskPath, LabelImage instances, out bool hit)
    {
        ArgumentNullException.ThrowIfNull(maskPath);
        ArgumentNullException.ThrowIfNull(instances);
        string entry = Path.Combine(_folder, Key(maskPath) + ".npy");
        if (TryRead(entry, instances.Height, instances.Width) is FlowField cached)
        {
            hit = true;
            return cached;
        }

        FlowField flows = MaskFlows.Compute(instances);
        Directory.CreateDirectory(_folder);
        NpyFile.Write(entry, flows.Buffer, 2, flows.Height, flows.Width);
        hit = false;
        return flows;
    }

    private static string Key(string maskPath)
    {
        using var stream = File.OpenRead(maskPath);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.ASCII.GetBytes(Version));
        hash.AppendData(SHA256.HashData(stream));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static FlowField? TryRead(string entry, int height, int width)
    {
        if (!File.Exists(entry))
        {
            return null;
        }

        try
        {
            NpyArray array = NpyFile.Read(entry);
            return array.Values is float[] values && array.Shape is [2, var h, var w] && h == height && w == width
                ? new FlowField(height, width, values)
                : null;
        }
        catch (Exception e) when (e is SegKitException or IOException)
        {
            return null;
        }
    }
}

using Microsoft.Extensions.Options;

namespace SegKit.Service;

/// <summary>
/// Recent segmentations by id, bounded by memory (<see cref="SegKitServiceOptions.ResultCacheBytes"/>: the least
/// recently used go first) and by age since last use (<see cref="SegKitServiceOptions.ResultLifetime"/>).
/// An entry larger than the whole budget is not kept (its response still answers; later calls get 404).
/// </summary>
public sealed class ResultCache(IOptions<SegKitServiceOptions> options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<(CachedSegmentation Entry, DateTimeOffset LastUse)>> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<(CachedSegmentation Entry, DateTimeOffset LastUse)> _recent = new();
    private long _bytes;

    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>Keeps the entry (when it fits the budget at all), evicting expired and least recently used ones.</summary>
    public bool Add(CachedSegmentation entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        long size = entry.SizeInBytes;
        long budget = options.Value.ResultCacheBytes;
        lock (_gate)
        {
            RemoveExpired();
            if (size > budget)
            {
                return false;
            }

            while (_bytes + size > budget && _recent.Last is { } oldest)
            {
                Remove(oldest);
            }

            _byId[entry.Id] = _recent.AddFirst((entry, time.GetUtcNow()));
            _bytes += size;
            return true;
        }
    }

    /// <summary>The entry, if it is still there; using it makes it the most recent.</summary>
    public CachedSegmentation? Get(string id)
    {
        lock (_gate)
        {
            RemoveExpired();
            if (!_byId.TryGetValue(id, out var node))
            {
                return null;
            }

            _recent.Remove(node);
            node.Value = (node.Value.Entry, time.GetUtcNow());
            _recent.AddFirst(node);
            return node.Value.Entry;
        }
    }

    private void RemoveExpired()
    {
        DateTimeOffset oldestAllowed = time.GetUtcNow() - options.Value.ResultLifetime;
        while (_recent.Last is { } oldest && oldest.Value.LastUse < oldestAllowed)
        {
            Remove(oldest);
        }
    }

    private void Remove(LinkedListNode<(CachedSegmentation Entry, DateTimeOffset LastUse)> node)
    {
        _recent.Remove(node);
        _byId.Remove(node.Value.Entry.Id);
        _bytes -= node.Value.Entry.SizeInBytes;
    }
}

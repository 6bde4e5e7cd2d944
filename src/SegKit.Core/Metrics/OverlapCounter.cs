using System.Numerics;

namespace SegKit.Core.Metrics;

/// <summary>
/// Pixel counts per (truth label, prediction label) pair, both labels non-zero, in an open-addressing hash table.
/// The overlap graph of two label images is sparse (each object touches a handful of others), so a dense
/// (nTruth+1) x (nPrediction+1) matrix would be almost all zeros and, at thousands of objects, far too big.
/// </summary>
internal sealed class OverlapCounter
{
    // Key 0 marks an empty slot: real keys have both labels >= 1.
    private long[] _keys;
    private long[] _counts;
    private int _mask;

    public OverlapCounter(int expectedPairs = 64)
    {
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, expectedPairs * 2));
        _keys = new long[capacity];
        _counts = new long[capacity];
        _mask = capacity - 1;
    }

    public int Count { get; private set; }

    public static long Key(int truthLabel, int predictionLabel) => ((long)truthLabel << 32) | (uint)predictionLabel;

    public void Add(int truthLabel, int predictionLabel, long pixels) => Add(Key(truthLabel, predictionLabel), pixels);

    public void Add(long key, long pixels)
    {
        int slot = Slot(key);
        while (true)
        {
            long k = _keys[slot];
            if (k == key)
            {
                _counts[slot] += pixels;
                return;
            }

            if (k == 0)
            {
                _keys[slot] = key;
                _counts[slot] = pixels;
                if (++Count * 2 > _keys.Length)
                {
                    Grow();
                }

                return;
            }

            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>Adds every pair of <paramref name="other"/> to this one.</summary>
    public void AddAll(OverlapCounter other)
    {
        for (int i = 0; i < other._keys.Length; i++)
        {
            if (other._keys[i] != 0)
            {
                Add(other._keys[i], other._counts[i]);
            }
        }
    }

    /// <summary>The pairs as (truth, prediction, pixels), sorted by truth label then prediction label.</summary>
    public (int Truth, int Prediction, long Pixels)[] ToSortedArray()
    {
        var keys = new long[Count];
        var counts = new long[Count];
        int n = 0;
        for (int i = 0; i < _keys.Length; i++)
        {
            if (_keys[i] != 0)
            {
                keys[n] = _keys[i];
                counts[n] = _counts[i];
                n++;
            }
        }

        // Keys are (truth << 32 | prediction) with both positive, so ordering keys orders pairs.
        Array.Sort(keys, counts);
        var result = new (int, int, long)[n];
        for (int i = 0; i < n; i++)
        {
            result[i] = ((int)(keys[i] >> 32), (int)(uint)keys[i], counts[i]);
        }

        return result;
    }

    private int Slot(long key)
    {
        // Fibonacci hashing spreads the consecutive labels of neighbouring objects over the table.
        ulong h = (ulong)key * 0x9E3779B97F4A7C15UL;
        return (int)(h >> 32) & _mask;
    }

    private void Grow()
    {
        long[] oldKeys = _keys;
        long[] oldCounts = _counts;
        _keys = new long[oldKeys.Length * 2];
        _counts = new long[oldKeys.Length * 2];
        _mask = _keys.Length - 1;
        Count = 0;
        for (int i = 0; i < oldKeys.Length; i++)
        {
            if (oldKeys[i] != 0)
            {
                Add(oldKeys[i], oldCounts[i]);
            }
        }
    }
}

using SegKit.Core.Images;

namespace SegKit.Core.Classical;

/// <summary>
/// Marker-controlled watershed by priority flooding: each marker grows into the lowest neighbouring pixels first,
/// restricted to a mask; where two floods meet, the pixel keeps the label that reached it first (no watershed lines),
/// so touching objects stay touching. Elevations are quantised into buckets, which keeps it linear in the pixel count
/// and deterministic (first in, first out within a bucket).
/// </summary>
public static class Watershed
{
    /// <summary>Buckets per unit of elevation; fine enough to order distance-map levels (1/16 px).</summary>
    public const float Resolution = 16f;

    public static LabelImage Flood(ReadOnlySpan<float> elevation, LabelImage markers, ReadOnlySpan<bool> mask)
    {
        ArgumentNullException.ThrowIfNull(markers);
        int height = markers.Height;
        int width = markers.Width;
        if (elevation.Length != markers.PixelCount || mask.Length != markers.PixelCount)
        {
            throw new ShapeMismatchException($"elevation, markers and mask must all be {height}x{width}");
        }

        float low = float.PositiveInfinity;
        float high = float.NegativeInfinity;
        for (int i = 0; i < elevation.Length; i++)
        {
            if (mask[i] && float.IsFinite(elevation[i]))
            {
                low = Math.Min(low, elevation[i]);
                high = Math.Max(high, elevation[i]);
            }
        }

        bool[] inside = mask.ToArray();
        var labels = (int[])markers.Buffer.Clone();
        for (int i = 0; i < labels.Length; i++)
        {
            if (!mask[i])
            {
                labels[i] = 0;
            }
        }

        if (float.IsPositiveInfinity(low))
        {
            return new LabelImage(height, width, labels);
        }

        int levels = Math.Min((int)((high - low) * Resolution) + 1, 1 << 20);
        float scale = levels > 1 ? (levels - 1) / Math.Max(high - low, 1e-12f) : 0f;
        var buckets = new Queue<(int Pixel, int Label)>?[levels];
        int[] level = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            level[i] = mask[i] && float.IsFinite(elevation[i]) ? (int)((elevation[i] - low) * scale) : levels - 1;
        }

        void Push(int pixel, int label, int atLeast)
        {
            int l = Math.Max(level[pixel], atLeast);
            (buckets[l] ??= new Queue<(int, int)>()).Enqueue((pixel, label));
        }

        var queued = new bool[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] != 0)
            {
                queued[i] = true;
                PushNeighbours(i, labels[i], 0);
            }
        }

        for (int current = 0; current < levels; current++)
        {
            var bucket = buckets[current];
            if (bucket is null)
            {
                continue;
            }

            while (bucket.TryDequeue(out var item))
            {
                if (labels[item.Pixel] != 0)
                {
                    continue;
                }

                labels[item.Pixel] = item.Label;
                PushNeighbours(item.Pixel, item.Label, current);
            }

            buckets[current] = null;
        }

        return new LabelImage(height, width, labels);

        void PushNeighbours(int p, int label, int atLeast)
        {
            int y = p / width;
            int x = p % width;
            if (x > 0)
            {
                Try(p - 1);
            }

            if (x < width - 1)
            {
                Try(p + 1);
            }

            if (y > 0)
            {
                Try(p - width);
            }

            if (y < height - 1)
            {
                Try(p + width);
            }

            void Try(int q)
            {
                if (!queued[q] && labels[q] == 0 && inside[q])
                {
                    queued[q] = true;
                    Push(q, label, atLeast);
                }
            }
        }
    }
}

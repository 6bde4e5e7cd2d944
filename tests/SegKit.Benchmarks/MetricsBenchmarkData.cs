using SegKit.Core.Images;
using SegKit.Core.IO;

namespace SegKit.Benchmarks;

/// <summary>
/// Benchmark inputs built like the Cellpose measurements: real DSB2018 label images (the 256x256
/// fixtures) tiled to the requested size with distinct labels, and a prediction that is the truth with every
/// object eroded by 1 px (3x3 element). Tiles are drawn so the object count follows a target density.
/// </summary>
internal static class MetricsBenchmarkData
{
    private static readonly string[] DsbCases = ["dsb_0ed3555a", "dsb_4be73d68", "dsb_912a679e", "dsb_31f1fbe8"];

    /// <summary>A truth label image of <paramref name="size"/> x <paramref name="size"/> with about <paramref name="targetObjects"/> objects.</summary>
    public static LabelImage TiledTruth(int size, int targetObjects)
    {
        var tiles = DsbCases.Select(c => Load($"{c}.labels.npy")).ToArray();
        int tile = tiles[0].Height;
        int perSide = (size + tile - 1) / tile;
        var data = new int[size * size];
        int next = 0;
        int placed = 0;
        for (int ty = 0; ty < perSide; ty++)
        {
            for (int tx = 0; tx < perSide; tx++)
            {
                // Pick the tile that keeps the running count closest to the target's share so far.
                int index = ty * perSide + tx;
                double want = (double)targetObjects * (index + 1) / (perSide * perSide);
                LabelImage source = tiles.MinBy(t => Math.Abs(placed + t.MaxLabel - want))!;
                placed += source.MaxLabel;
                for (int y = 0; y < tile && ty * tile + y < size; y++)
                {
                    ReadOnlySpan<int> row = source.Row(y);
                    for (int x = 0; x < tile && tx * tile + x < size; x++)
                    {
                        if (row[x] != 0)
                        {
                            data[(ty * tile + y) * size + tx * tile + x] = next + row[x];
                        }
                    }
                }

                next += source.MaxLabel;
            }
        }

        return new LabelImage(size, size, data).Renumber();
    }

    /// <summary>Each object minus its boundary: a pixel stays when its 3x3 neighbourhood holds only its label.</summary>
    public static LabelImage Eroded(LabelImage labels)
    {
        int h = labels.Height;
        int w = labels.Width;
        var result = new int[h * w];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int v = labels[y, x];
                if (v == 0 || y == 0 || x == 0 || y == h - 1 || x == w - 1)
                {
                    continue;
                }

                bool inside = true;
                for (int dy = -1; dy <= 1 && inside; dy++)
                {
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        if (labels[y + dy, x + dx] != v)
                        {
                            inside = false;
                            break;
                        }
                    }
                }

                if (inside)
                {
                    result[y * w + x] = v;
                }
            }
        }

        return new LabelImage(h, w, result);
    }

    /// <summary>The label image moved by (<paramref name="dy"/>, <paramref name="dx"/>) pixels, background shifted in.</summary>
    public static LabelImage Shifted(LabelImage labels, int dy, int dx)
    {
        int h = labels.Height;
        int w = labels.Width;
        var result = new int[h * w];
        for (int y = Math.Max(0, dy); y < Math.Min(h, h + dy); y++)
        {
            for (int x = Math.Max(0, dx); x < Math.Min(w, w + dx); x++)
            {
                result[y * w + x] = labels[y - dy, x - dx];
            }
        }

        return new LabelImage(h, w, result);
    }

    private static LabelImage Load(string name)
    {
        NpyArray a = BenchmarkFixtures.Load(name);
        return new LabelImage(a.Shape[0], a.Shape[1], a.ToInt32());
    }
}

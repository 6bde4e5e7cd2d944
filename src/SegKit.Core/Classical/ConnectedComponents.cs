using SegKit.Core.Images;

namespace SegKit.Core.Classical;

/// <summary>Labels the connected regions of a binary mask 1..N in raster order of their first pixel (two-pass union-find).</summary>
public static class ConnectedComponents
{
    public static LabelImage Label(ReadOnlySpan<bool> mask, int height, int width, Connectivity connectivity = Connectivity.Eight)
    {
        if (mask.Length != height * width)
        {
            throw new ArgumentException($"mask has {mask.Length} values, not {height}x{width}", nameof(mask));
        }

        var provisional = new int[mask.Length];
        var parent = new List<int> { 0 };
        bool eight = connectivity == Connectivity.Eight;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                if (!mask[i])
                {
                    continue;
                }

                int label = 0;
                label = Join(parent, label, x > 0 ? provisional[i - 1] : 0);
                if (y > 0)
                {
                    label = Join(parent, label, provisional[i - width]);
                    if (eight)
                    {
                        label = Join(parent, label, x > 0 ? provisional[i - width - 1] : 0);
                        label = Join(parent, label, x < width - 1 ? provisional[i - width + 1] : 0);
                    }
                }

                if (label == 0)
                {
                    label = parent.Count;
                    parent.Add(label);
                }

                provisional[i] = label;
            }
        }

        // Final labels in order of first appearance in the raster scan.
        var final = new int[parent.Count];
        int next = 0;
        for (int i = 0; i < provisional.Length; i++)
        {
            int p = provisional[i];
            if (p == 0)
            {
                continue;
            }

            int root = Find(parent, p);
            if (final[root] == 0)
            {
                final[root] = ++next;
            }

            provisional[i] = final[root];
        }

        return new LabelImage(height, width, provisional);
    }

    private static int Join(List<int> parent, int label, int neighbour)
    {
        if (neighbour == 0)
        {
            return label;
        }

        if (label == 0)
        {
            return Find(parent, neighbour);
        }

        int a = Find(parent, label);
        int b = Find(parent, neighbour);
        if (a == b)
        {
            return a;
        }

        // Keep the smaller root so labels stay stable; either choice gives the same partition.
        int root = Math.Min(a, b);
        parent[Math.Max(a, b)] = root;
        return root;
    }

    private static int Find(List<int> parent, int label)
    {
        int root = label;
        while (parent[root] != root)
        {
            root = parent[root];
        }

        while (parent[label] != root)
        {
            int next = parent[label];
            parent[label] = root;
            label = next;
        }

        return root;
    }
}

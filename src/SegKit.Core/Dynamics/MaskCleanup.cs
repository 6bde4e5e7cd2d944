using SegKit.Core.Flows;
using SegKit.Core.Images;

namespace SegKit.Core.Dynamics;

/// <summary>
/// Cellpose v3's last step (fill_holes_and_remove_small_masks): drop masks smaller than a minimum size, fill
/// the holes of each mask, drop the masks still too small, renumber 1..N in raster order.
/// </summary>
public static class MaskCleanup
{
    /// <summary>
    /// A cleaned copy of <paramref name="masks"/>. A hole is any set of pixels of the mask's bounding box not in
    /// the mask and not 4-connected to the box's edge; it joins the mask even where another mask lies in it, as
    /// in Cellpose. Masks are filled in label order. <paramref name="minSize"/> &lt;= 0 removes nothing.
    /// </summary>
    public static LabelImage FillHolesAndRemoveSmall(LabelImage masks, int minSize)
    {
        ArgumentNullException.ThrowIfNull(masks);
        int[] labels = (int[])masks.Buffer.Clone();
        RemoveSmall(labels, masks.MaxLabel, minSize);
        var work = new LabelImage(masks.Height, masks.Width, labels);
        FillHoles(work);
        RemoveSmall(labels, work.MaxLabel, minSize);
        return new LabelImage(masks.Height, masks.Width, labels).Renumber();
    }

    /// <summary>Sets to 0 every label with fewer than <paramref name="minSize"/> pixels.</summary>
    /// <remarks>
    /// Cellpose picks the labels to drop by their rank among the labels present, which is their label only
    /// when labels are consecutive; after the flow-error check they are not, and Cellpose can then drop a
    /// neighbouring mask instead of the small one. This removes the small masks themselves.
    /// </remarks>
    internal static void RemoveSmall(int[] labels, int maxLabel, int minSize)
    {
        if (minSize <= 0 || maxLabel == 0)
        {
            return;
        }

        var sizes = new int[maxLabel + 1];
        foreach (int v in labels)
        {
            sizes[v]++;
        }

        for (int i = 0; i < labels.Length; i++)
        {
            int v = labels[i];
            if (v != 0 && sizes[v] < minSize)
            {
                labels[i] = 0;
            }
        }
    }

    /// <summary>Fills the holes of every object of <paramref name="work"/> in place, in label order.</summary>
    internal static void FillHoles(LabelImage work) => FillHoles(work.Buffer, work.Width, ObjectExtents.Find(work), null);

    /// <summary>
    /// Fills the holes of <paramref name="objects"/> (in their order) in <paramref name="labels"/>, in place; the
    /// work is proportional to their boxes. <paramref name="sizes"/>, when given, is kept up to date by label
    /// (a filled pixel taken from another mask moves from its size to the filling mask's).
    /// </summary>
    internal static void FillHoles(int[] labels, int width, ReadOnlySpan<ObjectExtent> objects, int[]? sizes)
    {
        byte[] state = [];
        int[] queue = [];
        foreach (ObjectExtent extent in objects)
        {
            int h = extent.Box.Height;
            int w = extent.Box.Width;
            if (h < 3 || w < 3)
            {
                continue;
            }

            int n = h * w;
            if (state.Length < n)
            {
                state = new byte[Math.Max(n, state.Length * 2)];
                queue = new int[state.Length];
            }

            // 0 = not in the mask, 1 = in the mask, 2 = outside (reached from the box edge).
            Span<byte> s = state.AsSpan(0, n);
            int holes = 0;
            for (int y = 0; y < h; y++)
            {
                int row = ((extent.Box.Top + y) * width) + extent.Box.Left;
                for (int x = 0; x < w; x++)
                {
                    bool inMask = labels[row + x] == extent.Label;
                    s[(y * w) + x] = inMask ? (byte)1 : (byte)0;
                    holes += inMask ? 0 : 1;
                }
            }

            if (holes == 0)
            {
                continue;
            }

            int head = 0;
            int tail = 0;
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    if ((y == 0 || y == h - 1 || x == 0 || x == w - 1) && s[(y * w) + x] == 0)
                    {
                        s[(y * w) + x] = 2;
                        queue[tail++] = (y * w) + x;
                    }
                }
            }

            while (head < tail)
            {
                int i = queue[head++];
                int y = i / w;
                int x = i - (y * w);
                if (y > 0 && s[i - w] == 0)
                {
                    s[i - w] = 2;
                    queue[tail++] = i - w;
                }

                if (y < h - 1 && s[i + w] == 0)
                {
                    s[i + w] = 2;
                    queue[tail++] = i + w;
                }

                if (x > 0 && s[i - 1] == 0)
                {
                    s[i - 1] = 2;
                    queue[tail++] = i - 1;
                }

                if (x < w - 1 && s[i + 1] == 0)
                {
                    s[i + 1] = 2;
                    queue[tail++] = i + 1;
                }
            }

            for (int y = 1; y < h - 1; y++)
            {
                int row = ((extent.Box.Top + y) * width) + extent.Box.Left;
                for (int x = 1; x < w - 1; x++)
                {
                    if (s[(y * w) + x] == 0)
                    {
                        if (sizes is not null)
                        {
                            sizes[labels[row + x]]--;
                            sizes[extent.Label]++;
                        }

                        labels[row + x] = extent.Label;
                    }
                }
            }
        }
    }
}

using SegKit.Core.Flows;
using SegKit.Core.Images;

namespace SegKit.Core.Dynamics;

/// <summary>
/// The masks of one reconstruction with their boxes and sizes, edited in place in work proportional to the
/// objects rather than the image: the flow-error check, <see cref="MaskCleanup"/>'s removal of small masks and hole
/// filling, and the final renumbering touch only the boxes of the masks concerned. Gives the same labels as the
/// image-wide <see cref="MaskCleanup.FillHolesAndRemoveSmall"/> and <see cref="LabelImage.Renumber"/>.
/// </summary>
internal sealed class MaskObjects
{
    private readonly LabelImage _masks;
    private readonly ObjectExtent[] _extents;
    private readonly int[] _sizes;

    private MaskObjects(LabelImage masks, ObjectExtent[] extents)
    {
        _masks = masks;
        _extents = extents;
        _sizes = new int[extents.Length + 1];
        foreach (ObjectExtent e in extents)
        {
            _sizes[e.Label] = e.Area;
        }
    }

    /// <summary>Boxes and areas of labels 1..N as first measured, element k-1 for label k (not to be modified).</summary>
    public ObjectExtent[] Extents => _extents;

    /// <summary>
    /// The masks of <paramref name="masks"/> (labels 1..MaxLabel, all present, which this object then owns and
    /// edits), measured from <paramref name="pixels"/>: ascending indices that include every labelled pixel.
    /// </summary>
    public static MaskObjects FromPixels(LabelImage masks, int[] pixels)
    {
        int count = masks.MaxLabel;
        int width = masks.Width;
        int[] labels = masks.Buffer;
        var area = new int[count + 1];
        var top = new int[count + 1];
        var left = new int[count + 1];
        var bottom = new int[count + 1];
        var right = new int[count + 1];
        left.AsSpan().Fill(int.MaxValue);
        foreach (int p in pixels)
        {
            int v = labels[p];
            if (v == 0)
            {
                continue;
            }

            int y = p / width;
            int x = p - (y * width);
            if (area[v]++ == 0)
            {
                top[v] = y;
            }

            bottom[v] = y;
            left[v] = Math.Min(left[v], x);
            right[v] = Math.Max(right[v], x);
        }

        var extents = new ObjectExtent[count];
        for (int v = 1; v <= count; v++)
        {
            if (area[v] == 0)
            {
                throw new InvalidOperationException($"label {v} of {count} has no pixel among those listed");
            }

            extents[v - 1] = new ObjectExtent(v, area[v], new BoundingBox(top[v], left[v], bottom[v] - top[v] + 1, right[v] - left[v] + 1));
        }

        return new MaskObjects(masks, extents);
    }

    /// <summary>Erases mask <paramref name="label"/> (a no-op when it is already gone).</summary>
    public void Remove(int label)
    {
        if (_sizes[label] == 0)
        {
            return;
        }

        Replace(_extents[label - 1].Box, label, 0);
        _sizes[label] = 0;
    }

    /// <summary>Erases every mask with fewer than <paramref name="minSize"/> pixels (Cellpose's remove_small_masks).</summary>
    public void RemoveSmall(int minSize)
    {
        for (int label = 1; label < _sizes.Length; label++)
        {
            if (_sizes[label] > 0 && _sizes[label] < minSize)
            {
                Remove(label);
            }
        }
    }

    /// <summary>Fills the holes of the remaining masks in label order, as <see cref="MaskCleanup.FillHoles(LabelImage)"/>.</summary>
    public void FillHoles()
    {
        var remaining = new List<ObjectExtent>(_extents.Length);
        foreach (ObjectExtent e in _extents)
        {
            if (_sizes[e.Label] > 0)
            {
                remaining.Add(e);
            }
        }

        MaskCleanup.FillHoles(_masks.Buffer, _masks.Width, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(remaining), _sizes);
    }

    /// <summary>The masks numbered 1..N in raster order of their first pixel, in place (the array is not copied).</summary>
    public LabelImage Renumber()
    {
        var firsts = new List<long>(_extents.Length);
        foreach (ObjectExtent e in _extents)
        {
            if (_sizes[e.Label] > 0)
            {
                firsts.Add(((long)FirstPixel(e) << 32) | (uint)e.Label);
            }
        }

        long[] order = firsts.ToArray();
        Array.Sort(order);
        bool identity = true;
        for (int k = 0; k < order.Length; k++)
        {
            identity &= (int)(order[k] & 0xFFFFFFFF) == k + 1;
        }

        if (!identity)
        {
            // Through negative labels, so that a new label never meets an old label still to be renumbered.
            for (int k = 0; k < order.Length; k++)
            {
                int label = (int)(order[k] & 0xFFFFFFFF);
                Replace(_extents[label - 1].Box, label, -(k + 1));
            }

            for (int k = 0; k < order.Length; k++)
            {
                int label = (int)(order[k] & 0xFFFFFFFF);
                Replace(_extents[label - 1].Box, -(k + 1), k + 1);
            }
        }

        return new LabelImage(_masks.Height, _masks.Width, _masks.Buffer, order.Length);
    }

    /// <summary>Row-major index of the first pixel of mask <paramref name="e"/> in raster order.</summary>
    private int FirstPixel(ObjectExtent e)
    {
        int width = _masks.Width;
        int[] labels = _masks.Buffer;
        for (int y = e.Box.Top; y < e.Box.Bottom; y++)
        {
            int found = labels.AsSpan((y * width) + e.Box.Left, e.Box.Width).IndexOf(e.Label);
            if (found >= 0)
            {
                return (y * width) + e.Box.Left + found;
            }
        }

        throw new InvalidOperationException($"mask {e.Label} has size {_sizes[e.Label]} but no pixel in its box");
    }

    private void Replace(BoundingBox box, int from, int to)
    {
        int width = _masks.Width;
        int[] labels = _masks.Buffer;
        for (int y = box.Top; y < box.Bottom; y++)
        {
            labels.AsSpan((y * width) + box.Left, box.Width).Replace(from, to);
        }
    }
}

using SegKit.Core.Images;

namespace SegKit.Core.Flows;

/// <summary>Bounding boxes and areas of every label present, in ascending label order (gaps skipped).</summary>
internal static class ObjectExtents
{
    public static ObjectExtent[] Find(LabelImage labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        int maxLabel = labels.MaxLabel;
        if (maxLabel == 0)
        {
            return [];
        }

        // Direct tables indexed by label; a label image with absurdly large labels is compacted first so
        // the tables stay proportional to the image.
        if ((long)maxLabel > 2L * labels.PixelCount + 1024)
        {
            return FindSparse(labels);
        }

        int width = labels.Width;
        int height = labels.Height;
        var area = new int[maxLabel + 1];
        var top = new int[maxLabel + 1];
        var left = new int[maxLabel + 1];
        var bottom = new int[maxLabel + 1];
        var right = new int[maxLabel + 1];
        Array.Fill(left, int.MaxValue);
        ReadOnlySpan<int> data = labels.Data;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<int> row = data.Slice(y * width, width);
            for (int x = 0; x < row.Length; x++)
            {
                int v = row[x];
                if (v == 0)
                {
                    continue;
                }

                if (area[v]++ == 0)
                {
                    top[v] = y;
                }

                bottom[v] = y;
                if (x < left[v])
                {
                    left[v] = x;
                }

                if (x > right[v])
                {
                    right[v] = x;
                }
            }
        }

        int count = 0;
        for (int v = 1; v <= maxLabel; v++)
        {
            if (area[v] > 0)
            {
                count++;
            }
        }

        var result = new ObjectExtent[count];
        int k = 0;
        for (int v = 1; v <= maxLabel; v++)
        {
            if (area[v] > 0)
            {
                result[k++] = Extent(v, area[v], top[v], left[v], bottom[v], right[v]);
            }
        }

        return result;
    }

    /// <summary>An extent from the inclusive last row and column the scan found.</summary>
    private static ObjectExtent Extent(int label, int area, int top, int left, int lastRow, int lastColumn) =>
        new(label, area, new BoundingBox(top, left, lastRow - top + 1, lastColumn - left + 1));

    private static ObjectExtent[] FindSparse(LabelImage labels)
    {
        var boxes = new Dictionary<int, (int Area, int Top, int Left, int LastRow, int LastColumn)>();
        int width = labels.Width;
        ReadOnlySpan<int> data = labels.Data;
        for (int i = 0; i < data.Length; i++)
        {
            int v = data[i];
            if (v == 0)
            {
                continue;
            }

            int y = i / width;
            int x = i - (y * width);
            boxes[v] = boxes.TryGetValue(v, out var e)
                ? (e.Area + 1, e.Top, Math.Min(e.Left, x), y, Math.Max(e.LastColumn, x))
                : (1, y, x, y, x);
        }

        return boxes.OrderBy(b => b.Key).Select(b => Extent(b.Key, b.Value.Area, b.Value.Top, b.Value.Left, b.Value.LastRow, b.Value.LastColumn)).ToArray();
    }
}

using SegKit.Core.Images;

namespace SegKit.Interop.Outlines;

/// <summary>
/// The outer boundary of every object in a label image, traced pixel by pixel (Moore-neighbour tracing with
/// 8-connectivity and Jacob's stopping criterion; holes ignored), equal point for point to OpenCV's external contours. An object in several pieces keeps the boundary with the most points, as Cellpose's
/// outlines_list keeps the first longest of OpenCV's external contours: of equal ones the last in raster order, and none
/// of a piece that lies in a hole of the object.
/// </summary>
public static class ObjectOutlines
{
    // Neighbours counter-clockwise on screen (y down), starting west: the turn OpenCV's findContours takes around an
    // object, so outlines come out point for point as Cellpose's (which uses it).
    private static readonly int[] Dx = [-1, -1, 0, 1, 1, 1, 0, -1];
    private static readonly int[] Dy = [0, 1, 1, 1, 0, -1, -1, -1];

    /// <summary>One outline per label present, in label order.</summary>
    public static IReadOnlyList<ObjectOutline> Trace(LabelImage labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        int height = labels.Height;
        int width = labels.Width;
        int[] data = labels.Buffer;
        int[] component = Components(data, height, width);

        // Each piece starts at its first pixel in raster order: that pixel's west and everything above it are outside.
        var pieces = new Dictionary<int, List<int>>();
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] != 0 && component[i] == i)
            {
                if (!pieces.TryGetValue(data[i], out List<int>? starts))
                {
                    pieces[data[i]] = starts = [];
                }

                starts.Add(i);
            }
        }

        HashSet<int> nested = NestedPieces(data, height, width, pieces);
        var outlines = new List<ObjectOutline>(pieces.Count);
        var xs = new List<int>();
        var ys = new List<int>();
        foreach ((int label, List<int> starts) in pieces.OrderBy(p => p.Key))
        {
            // Cellpose keeps the first longest of OpenCV's external contours, which come last found first: among pieces
            // of equal length, the last in raster order.
            ObjectOutline? best = null;
            foreach (int start in starts)
            {
                if (nested.Contains(start))
                {
                    continue;
                }

                TraceFrom(data, component, height, width, start, xs, ys);
                if (best is null || xs.Count >= best.Count)
                {
                    best = new ObjectOutline(label, [.. xs], [.. ys]);
                }
            }

            outlines.Add(best!);
        }

        return outlines;
    }

    /// <summary>
    /// The starts of pieces that lie in a hole of another piece of their own label: OpenCV's external contours (and so
    /// Cellpose's outlines) leave them out. Holes are 4-connected, as the object is 8-connected; only labels in several
    /// pieces are looked at, each within its bounding box and a frame of one pixel round it.
    /// </summary>
    private static HashSet<int> NestedPieces(int[] data, int height, int width, Dictionary<int, List<int>> pieces)
    {
        var nested = new HashSet<int>();
        var boxes = pieces.Where(p => p.Value.Count > 1).ToDictionary(p => p.Key, _ => (Top: int.MaxValue, Left: int.MaxValue, Bottom: -1, Right: -1));
        if (boxes.Count == 0)
        {
            return nested;
        }

        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int label = data[(y * width) + x];
                if (label != 0 && boxes.TryGetValue(label, out var box))
                {
                    boxes[label] = (Math.Min(box.Top, y), Math.Min(box.Left, x), Math.Max(box.Bottom, y), Math.Max(box.Right, x));
                }
            }
        }

        var queue = new Queue<int>();
        foreach ((int label, var box) in boxes)
        {
            // The box grown by one pixel: its frame is outside the object (or outside the image), where the fill starts.
            int top = box.Top - 1;
            int left = box.Left - 1;
            int boxWidth = box.Right - box.Left + 3;
            int boxHeight = box.Bottom - box.Top + 3;
            var outside = new bool[boxWidth * boxHeight];
            bool Open(int bx, int by)
            {
                int x = left + bx;
                int y = top + by;
                return (uint)x >= (uint)width || (uint)y >= (uint)height || data[(y * width) + x] != label;
            }

            void Seed(int cell)
            {
                outside[cell] = true;
                queue.Enqueue(cell);
            }

            for (int bx = 0; bx < boxWidth; bx++)
            {
                Seed(bx);
                Seed(((boxHeight - 1) * boxWidth) + bx);
            }

            for (int by = 1; by < boxHeight - 1; by++)
            {
                Seed(by * boxWidth);
                Seed((by * boxWidth) + boxWidth - 1);
            }

            while (queue.TryDequeue(out int cell))
            {
                int cx = cell % boxWidth;
                int cy = cell / boxWidth;
                for (int d = 0; d < 8; d += 2)
                {
                    int nx = cx + Dx[d];
                    int ny = cy + Dy[d];
                    int next = (ny * boxWidth) + nx;
                    if ((uint)nx < (uint)boxWidth && (uint)ny < (uint)boxHeight && !outside[next] && Open(nx, ny))
                    {
                        Seed(next);
                    }
                }
            }

            // A piece's first pixel has outside pixels to its west; that pixel is in the open only if the piece is external.
            foreach (int start in pieces[label])
            {
                int west = (((start / width) - top) * boxWidth) + ((start % width) - 1 - left);
                if (!outside[west])
                {
                    nested.Add(start);
                }
            }
        }

        return nested;
    }

    private static void TraceFrom(int[] data, int[] component, int height, int width, int start, List<int> xs, List<int> ys)
    {
        xs.Clear();
        ys.Clear();
        int piece = component[start];
        int sx = start % width;
        int sy = start / width;
        xs.Add(sx);
        ys.Add(sy);

        int cx = sx;
        int cy = sy;
        int back = 0; // entered from the west
        int firstX = -1;
        int firstY = -1;
        while (true)
        {
            int found = -1;
            for (int k = 1; k <= 8; k++)
            {
                int d = (back + k) & 7;
                int nx = cx + Dx[d];
                int ny = cy + Dy[d];
                if ((uint)nx < (uint)width && (uint)ny < (uint)height && component[(ny * width) + nx] == piece)
                {
                    found = d;
                    break;
                }
            }

            if (found < 0)
            {
                return; // a single pixel
            }

            int px = cx + Dx[(found + 7) & 7]; // the last outside pixel examined is where the next search starts
            int py = cy + Dy[(found + 7) & 7];
            int nextX = cx + Dx[found];
            int nextY = cy + Dy[found];
            if (cx == sx && cy == sy)
            {
                // Jacob's stopping criterion: back at the start about to repeat the first step.
                if (firstX == nextX && firstY == nextY)
                {
                    xs.RemoveAt(xs.Count - 1);
                    ys.RemoveAt(ys.Count - 1);
                    return;
                }

                if (firstX < 0)
                {
                    firstX = nextX;
                    firstY = nextY;
                }
            }

            back = Direction(px - nextX, py - nextY);
            cx = nextX;
            cy = nextY;
            xs.Add(cx);
            ys.Add(cy);
        }
    }

    private static int Direction(int dx, int dy)
    {
        for (int d = 0; d < 8; d++)
        {
            if (Dx[d] == dx && Dy[d] == dy)
            {
                return d;
            }
        }

        throw new InvalidOperationException("the backtrack pixel is not a neighbour");
    }

    /// <summary>For every object pixel, the raster index of the first pixel of its 8-connected piece (union-find).</summary>
    private static int[] Components(int[] data, int height, int width)
    {
        var parent = new int[data.Length];
        for (int i = 0; i < parent.Length; i++)
        {
            parent[i] = i;
        }

        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                int label = data[i];
                if (label == 0)
                {
                    continue;
                }

                // Neighbours already visited: west, north-west, north, north-east.
                if (x > 0 && data[i - 1] == label)
                {
                    Union(parent, i, i - 1);
                }

                if (y > 0)
                {
                    int up = i - width;
                    if (x > 0 && data[up - 1] == label)
                    {
                        Union(parent, i, up - 1);
                    }

                    if (data[up] == label)
                    {
                        Union(parent, i, up);
                    }

                    if (x < width - 1 && data[up + 1] == label)
                    {
                        Union(parent, i, up + 1);
                    }
                }
            }
        }

        for (int i = 0; i < parent.Length; i++)
        {
            parent[i] = data[i] == 0 ? -1 : Find(parent, i);
        }

        return parent;
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }

        return i;
    }

    // The smaller index becomes the root, so a piece's root is its first pixel in raster order.
    private static void Union(int[] parent, int a, int b)
    {
        int ra = Find(parent, a);
        int rb = Find(parent, b);
        if (ra != rb)
        {
            parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
    }
}

using SegKit.Core.Images;

namespace SegKit.Core.Tests.Dynamics;

/// <summary>Label images drawn for round-trip tests: ellipses, concave and elongated shapes, grids of small objects.</summary>
internal static class SyntheticLabels
{
    /// <summary>Paints the filled ellipse centred at (cy, cx) with semi-axes (ry, rx) rotated by <paramref name="angle"/> (radians); later paint wins.</summary>
    public static void Ellipse(LabelImage image, int label, double cy, double cx, double ry, double rx, double angle = 0)
    {
        double c = Math.Cos(angle);
        double s = Math.Sin(angle);
        int reach = (int)Math.Ceiling(Math.Max(ry, rx)) + 1;
        for (int y = Math.Max(0, (int)cy - reach); y <= Math.Min(image.Height - 1, (int)cy + reach); y++)
        {
            for (int x = Math.Max(0, (int)cx - reach); x <= Math.Min(image.Width - 1, (int)cx + reach); x++)
            {
                double dy = y - cy;
                double dx = x - cx;
                double u = (dy * c) - (dx * s);
                double v = (dy * s) + (dx * c);
                if (((u * u) / (ry * ry)) + ((v * v) / (rx * rx)) <= 1)
                {
                    image[y, x] = label;
                }
            }
        }
    }

    /// <summary>Paints the rectangle rows [top, top+height), columns [left, left+width), clipped to the image.</summary>
    public static void Box(LabelImage image, int label, int top, int left, int height, int width)
    {
        for (int y = Math.Max(0, top); y < Math.Min(image.Height, top + height); y++)
        {
            for (int x = Math.Max(0, left); x < Math.Min(image.Width, left + width); x++)
            {
                image[y, x] = label;
            }
        }
    }

    /// <summary>Paints the ring sector between radii r0 and r1 around (cy, cx), angles [a0, a1] (radians): a C, arc or crescent.</summary>
    public static void Arc(LabelImage image, int label, double cy, double cx, double r0, double r1, double a0, double a1)
    {
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                double dy = y - cy;
                double dx = x - cx;
                double r = Math.Sqrt((dy * dy) + (dx * dx));
                double a = Math.Atan2(dy, dx);
                if (r >= r0 && r <= r1 && a >= a0 && a <= a1)
                {
                    image[y, x] = label;
                }
            }
        }
    }
}

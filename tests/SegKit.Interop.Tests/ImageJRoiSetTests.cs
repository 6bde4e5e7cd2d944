using System.Buffers.Binary;
using System.IO.Compression;
using OpenCvSharp;
using SegKit.Core.Images;
using SegKit.Interop.ImageJ;
using SegKit.Interop.Outlines;

namespace SegKit.Interop.Tests;

public sealed class ImageJRoiSetTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("segkit-rois-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>Discs, an ellipse, an L, a ring, a border object, a label in two pieces, a line, a single pixel.</summary>
    private static LabelImage Shapes()
    {
        var labels = new LabelImage(120, 160);
        Disc(labels, 1, 20, 20, 9.5);
        Disc(labels, 2, 20, 60, 4.2);
        Ellipse(labels, 3, 60, 30, 14, 7);
        for (int y = 80; y < 110; y++)
        {
            for (int x = 10; x < 40; x++)
            {
                if (x < 18 || y > 100)
                {
                    labels[y, x] = 4; // an L
                }
            }
        }

        Disc(labels, 5, 70, 100, 12);
        Disc(labels, 0, 70, 100, 5); // a hole: the ring's inner edge is not part of its outline
        Disc(labels, 7, 5, 150, 9); // cut by the top and right borders
        Disc(labels, 9, 100, 120, 8); // label 9 in two pieces: the larger one is outlined
        Disc(labels, 9, 100, 150, 3);
        for (int x = 60; x < 75; x++)
        {
            labels[30, x] = 10; // a one-pixel-wide line
        }

        labels[110, 70] = 12; // a single pixel
        return labels;
    }

    [Fact]
    public void An_independent_reader_finds_one_polygon_per_object_on_its_boundary_with_its_area()
    {
        LabelImage labels = Shapes();
        string path = Path.Combine(folder, "shapes_rois.zip");
        ImageJRoiSet.Write(path, ObjectOutlines.Trace(labels));

        using ZipArchive zip = ZipFile.OpenRead(path);
        int[] present = labels.Buffer.Where(v => v > 0).Distinct().Order().ToArray();
        Assert.Equal(present.Length, zip.Entries.Count);
        foreach (ZipArchiveEntry entry in zip.Entries)
        {
            int label = int.Parse(entry.Name[..4], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Matches(@"^\d{4}-\d{4}-\d{4}\.roi$", entry.Name);
            var roi = RoiFromSpec.Decode(Read(entry));

            Assert.Equal("Iout", roi.Magic);
            Assert.True(roi.Version >= 218, $"version {roi.Version}: ImageJ reads polygons of version 218 and later");
            Assert.Equal(0, roi.Type);
            Assert.Equal((roi.Y.Min(), roi.X.Min(), roi.Y.Max(), roi.X.Max()), (roi.Top, roi.Left, roi.Bottom, roi.Right));
            Assert.Equal($"{label:D4}-{(roi.Top + roi.Bottom) / 2:D4}-{(roi.Left + roi.Right) / 2:D4}.roi", entry.Name);

            for (int i = 0; i < roi.X.Length; i++)
            {
                // On the object, on its boundary, and each point an 8-neighbour of the next (the polygon is traced in order).
                Assert.Equal(label, labels[roi.Y[i], roi.X[i]]);
                Assert.True(OnBoundary(labels, roi.Y[i], roi.X[i]), $"label {label}: ({roi.X[i]}, {roi.Y[i]}) is inside the object");
                int j = (i + 1) % roi.X.Length;
                Assert.True(roi.X.Length == 1 || Math.Max(Math.Abs(roi.X[i] - roi.X[j]), Math.Abs(roi.Y[i] - roi.Y[j])) == 1, $"label {label}: points {i} and {j} are not neighbours");
            }

            // Through the boundary pixels' centres, a simple polygon encloses, by Pick's theorem, the object's pixels
            // minus half its boundary pixels minus one: exact for the filled shapes, close for the rest.
            int area = labels.Buffer.Count(v => v == label);
            double polygon = Shoelace(roi.X, roi.Y);
            if (label is 1 or 2 or 3 or 5 or 7)
            {
                int filled = label == 5 ? area + FilledHoleArea(labels, 70, 100, 5) : area;
                Assert.Equal(filled - (roi.X.Length / 2.0) - 1, polygon, 6);
                Assert.Equal(BoundaryPixels(labels, label, ignoreHole: label == 5), roi.X.Zip(roi.Y).ToHashSet());
            }
            else if (label == 9)
            {
                Assert.True(Math.Abs(polygon - area) < area * 0.35, $"label 9: polygon area {polygon} for {area} pixels of two pieces (the larger has ~200)");
                Assert.All(roi.X, x => Assert.True(x < 140, "label 9's smaller piece was outlined"));
            }
            else
            {
                Assert.True(polygon <= area, $"label {label}: polygon area {polygon} above its {area} pixels");
            }
        }
    }

    [Fact]
    public void Outlines_are_OpenCVs_external_contours_point_for_point_as_Cellpose_draws_them()
    {
        LabelImage labels = Shapes();
        foreach (ObjectOutline outline in ObjectOutlines.Trace(labels))
        {
            Point[] contour = OpenCvContour(labels, outline.Label);
            Assert.Equal(contour.Select(p => (p.X, p.Y)), outline.X.Zip(outline.Y).Select(p => (p.First, p.Second)));
        }
    }

    [Theory]
    [InlineData(1, 0.5)]
    [InlineData(2, 0.3)]
    [InlineData(3, 0.7)]
    [InlineData(4, 0.15)]
    [InlineData(5, 0.85)]
    public void Outlines_of_random_label_images_are_OpenCVs_with_pieces_ties_and_nesting(int seed, double fill)
    {
        // Noise labels: many objects in several pieces of equal length, pieces inside other pieces' holes, one-pixel
        // pieces, objects cut by the borders. Cellpose keeps the first longest of OpenCV's external contours.
        var random = new Random(seed);
        for (int trial = 0; trial < 200; trial++)
        {
            var labels = new LabelImage(random.Next(1, 24), random.Next(1, 24));
            for (int i = 0; i < labels.Buffer.Length; i++)
            {
                labels.Buffer[i] = random.NextDouble() < fill ? random.Next(1, 4) : 0;
            }

            foreach (ObjectOutline outline in ObjectOutlines.Trace(labels))
            {
                Point[] contour = OpenCvContour(labels, outline.Label);
                Assert.True(contour.Select(p => (p.X, p.Y)).SequenceEqual(outline.X.Zip(outline.Y).Select(p => (p.First, p.Second))),
                    $"seed {seed}, trial {trial}, label {outline.Label}: OpenCV {string.Join(" ", contour.Select(p => $"{p.X},{p.Y}"))}; "
                    + $"SegKit {string.Join(" ", outline.X.Zip(outline.Y).Select(p => $"{p.First},{p.Second}"))}\n{Show(labels)}");
            }
        }
    }

    [Fact]
    public void A_piece_inside_the_hole_of_its_own_object_is_no_outline_even_when_it_is_longer()
    {
        // A one-pixel square ring of label 1 (44 boundary points) round a serpentine of label 1 (about 70): OpenCV's
        // external contours leave out what lies in a hole, so Cellpose outlines the ring.
        var labels = new LabelImage(16, 16);
        for (int i = 1; i <= 12; i++)
        {
            labels[1, i] = labels[12, i] = labels[i, 1] = labels[i, 12] = 1;
        }

        for (int row = 0; row < 4; row++)
        {
            int y = 3 + (2 * row);
            for (int x = 3; x <= 10; x++)
            {
                labels[y, x] = 1;
            }

            if (row < 3)
            {
                labels[y + 1, row % 2 == 0 ? 10 : 3] = 1;
            }
        }

        ObjectOutline outline = ObjectOutlines.Trace(labels).Single();
        Point[] contour = OpenCvContour(labels, 1);
        Assert.Equal(44, contour.Length);
        Assert.Equal(contour.Select(p => (p.X, p.Y)), outline.X.Zip(outline.Y).Select(p => (p.First, p.Second)));
    }

    [Fact]
    public void The_outline_text_is_Cellposes_one_line_per_object_x_y_pairs()
    {
        LabelImage labels = Shapes();
        IReadOnlyList<ObjectOutline> outlines = ObjectOutlines.Trace(labels);
        string path = Path.Combine(folder, "shapes_cp_outlines.txt");
        CellposeOutlineText.Write(path, outlines);

        string[] lines = File.ReadAllText(path).Split('\n');
        Assert.Equal("", lines[^1]);
        Assert.Equal(outlines.Count, lines.Length - 1);
        for (int i = 0; i < outlines.Count; i++)
        {
            Point[] contour = OpenCvContour(labels, outlines[i].Label);
            string expected = contour.Length > 4 ? string.Join(",", contour.SelectMany(p => new[] { p.X, p.Y })) : "";
            Assert.Equal(expected, lines[i]);
        }

        Assert.Equal("", lines[outlines.ToList().FindIndex(o => o.Label == 12)]); // a single pixel: Cellpose writes an empty line
    }

    [Fact]
    public void Coordinates_beyond_32767_pixels_are_also_written_as_floats()
    {
        var labels = new LabelImage(40, 40_100);
        Disc(labels, 1, 20, 40_050, 6);
        string path = Path.Combine(folder, "wide_rois.zip");
        ObjectOutline outline = ObjectOutlines.Trace(labels).Single();
        ImageJRoiSet.Write(path, [outline]);

        using ZipArchive zip = ZipFile.OpenRead(path);
        var roi = RoiFromSpec.Decode(Read(zip.Entries.Single()));
        Assert.Equal(128, roi.Options & 128);
        Assert.Equal(outline.X.Select(x => (float)x), roi.SubPixelX!);
        Assert.Equal(outline.Y.Select(y => (float)y), roi.SubPixelY!);
    }

    private static Point[] OpenCvContour(LabelImage labels, int label)
    {
        using var mask = new Mat(labels.Height, labels.Width, MatType.CV_8UC1, Scalar.All(0));
        mask.SetArray(labels.Buffer.Select(v => v == label ? (byte)1 : (byte)0).ToArray());
        Cv2.FindContours(mask, out Point[][] contours, out _, RetrievalModes.External, ContourApproximationModes.ApproxNone);
        return contours.OrderByDescending(c => c.Length).First();
    }

    private static string Show(LabelImage labels)
    {
        var text = new System.Text.StringBuilder();
        for (int y = 0; y < labels.Height; y++)
        {
            for (int x = 0; x < labels.Width; x++)
            {
                text.Append(labels[y, x] == 0 ? '.' : (char)('0' + labels[y, x]));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static bool OnBoundary(LabelImage labels, int y, int x)
    {
        int label = labels[y, x];
        return y == 0 || x == 0 || y == labels.Height - 1 || x == labels.Width - 1
            || labels[y - 1, x] != label || labels[y + 1, x] != label || labels[y, x - 1] != label || labels[y, x + 1] != label;
    }

    /// <summary>The object's pixels with a 4-neighbour outside it (or on the image edge); a hole's edge left out.</summary>
    private static HashSet<(int, int)> BoundaryPixels(LabelImage labels, int label, bool ignoreHole)
    {
        var set = new HashSet<(int, int)>();
        for (int y = 0; y < labels.Height; y++)
        {
            for (int x = 0; x < labels.Width; x++)
            {
                if (labels[y, x] == label && OnBoundary(labels, y, x) && !(ignoreHole && Math.Sqrt(((y - 70) * (y - 70)) + ((x - 100) * (x - 100))) < 9))
                {
                    set.Add((x, y));
                }
            }
        }

        return set;
    }

    private static int FilledHoleArea(LabelImage labels, int cy, int cx, double r)
    {
        int count = 0;
        for (int y = 0; y < labels.Height; y++)
        {
            for (int x = 0; x < labels.Width; x++)
            {
                count += ((y - cy) * (y - cy)) + ((x - cx) * (x - cx)) <= r * r ? 1 : 0;
            }
        }

        return count;
    }

    private static double Shoelace(int[] x, int[] y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            int j = (i + 1) % x.Length;
            sum += ((double)x[i] * y[j]) - ((double)x[j] * y[i]);
        }

        return Math.Abs(sum) / 2;
    }

    private static void Disc(LabelImage labels, int label, int cy, int cx, double r) => Ellipse(labels, label, cy, cx, r, r);

    private static void Ellipse(LabelImage labels, int label, int cy, int cx, double ry, double rx)
    {
        for (int y = 0; y < labels.Height; y++)
        {
            for (int x = 0; x < labels.Width; x++)
            {
                double dy = (y - cy) / ry;
                double dx = (x - cx) / rx;
                if ((dy * dy) + (dx * dx) <= 1)
                {
                    labels[y, x] = label;
                }
            }
        }
    }

    /// <summary>
    /// ImageJ's .roi layout written down from the format's description (ij/io/RoiDecoder's field table), not from
    /// SegKit's encoder: offsets 0 "Iout", 4 version, 6 type, 8 top, 10 left, 12 bottom, 14 right, 16 point count,
    /// 50 options, 64 x then y as unsigned 16-bit offsets from left and top; with option 128 absolute floats follow.
    /// </summary>
    private sealed record RoiFromSpec(string Magic, int Version, int Type, int Top, int Left, int Bottom, int Right, int Options, int[] X, int[] Y, float[]? SubPixelX, float[]? SubPixelY)
    {
        public static RoiFromSpec Decode(byte[] b)
        {
            string magic = System.Text.Encoding.ASCII.GetString(b, 0, 4);
            int version = BinaryPrimitives.ReadInt16BigEndian(b.AsSpan(4));
            int type = b[6];
            int top = BinaryPrimitives.ReadInt16BigEndian(b.AsSpan(8));
            int left = BinaryPrimitives.ReadInt16BigEndian(b.AsSpan(10));
            int bottom = BinaryPrimitives.ReadInt16BigEndian(b.AsSpan(12));
            int right = BinaryPrimitives.ReadInt16BigEndian(b.AsSpan(14));
            int n = BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(16));
            int options = BinaryPrimitives.ReadInt16BigEndian(b.AsSpan(50));
            var x = new int[n];
            var y = new int[n];
            for (int i = 0; i < n; i++)
            {
                x[i] = left + BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(64 + (2 * i)));
                y[i] = top + BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(64 + (2 * n) + (2 * i)));
            }

            float[]? fx = null;
            float[]? fy = null;
            if ((options & 128) != 0)
            {
                fx = new float[n];
                fy = new float[n];
                for (int i = 0; i < n; i++)
                {
                    fx[i] = BinaryPrimitives.ReadSingleBigEndian(b.AsSpan(64 + (4 * n) + (4 * i)));
                    fy[i] = BinaryPrimitives.ReadSingleBigEndian(b.AsSpan(64 + (8 * n) + (4 * i)));
                }
            }

            Assert.Equal(64 + (4 * n) + (fx is null ? 0 : 8 * n), b.Length);
            return new RoiFromSpec(magic, version, type, top, left, bottom, right, options, x, y, fx, fy);
        }
    }
}

using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Core.Transforms;

namespace SegKit.Imaging.Tests;

public class OverlayTests
{
    [Fact]
    public void Outlines_and_background_match_a_per_object_reference_on_a_real_image()
    {
        Image image = ImageFile.Read(TestData.Stardist512Image);
        LabelImage labels = LabelImageFile.Read(TestData.Stardist512Mask);
        bool[] outline = ReferenceOutlines(labels);
        float[] grey = Normalization.Normalize99(image).Buffer;

        Image overlay = Overlay.Render(image, labels);

        int outlinePixels = 0;
        for (int i = 0; i < grey.Length; i++)
        {
            (float r, float g, float b) = (overlay.Plane(0)[i], overlay.Plane(1)[i], overlay.Plane(2)[i]);
            if (outline[i])
            {
                outlinePixels++;
                var c = OutlinePalette.Colour(labels.Buffer[i]);
                Assert.Equal(((float)c.R, (float)c.G, (float)c.B), (r, g, b));
            }
            else
            {
                float expected = MathF.Round(Math.Clamp(grey[i], 0f, 1f) * 255f, MidpointRounding.AwayFromZero);
                Assert.Equal((expected, expected, expected), (r, g, b));
            }
        }

        Assert.InRange(outlinePixels, 125 * 20, grey.Length / 4); // 125 objects, each with a real outline
    }

    [Fact]
    public void Touching_objects_get_clearly_different_colours_in_every_fixture()
    {
        double closest = double.MaxValue;
        foreach (string name in new[] { "dsb_31f1fbe8", "dsb_0ed3555a", "dsb_912a679e", "dsb_4be73d68", "stardist_512", "stardist_256", "synth_ellipses", "synth_shapes" })
        {
            LabelImage labels = TestData.FixtureLabels(name + ".labels.npy");
            int w = labels.Width;
            int[] l = labels.Buffer;
            for (int i = 0; i < l.Length; i++)
            {
                int right = (i % w) + 1 < w ? l[i + 1] : 0;
                int down = i + w < l.Length ? l[i + w] : 0;
                foreach (int other in new[] { right, down })
                {
                    if (l[i] != 0 && other != 0 && other != l[i])
                    {
                        closest = Math.Min(closest, Distance(OutlinePalette.Colour(l[i]), OutlinePalette.Colour(other)));
                    }
                }
            }
        }

        Assert.True(closest > 60, $"two touching objects have colours only {closest:F1} apart (RGB distance)");
        Assert.NotEqual(double.MaxValue, closest); // the fixtures do have touching pairs
    }

    [Fact]
    public void Palette_colours_are_saturated_so_never_mistaken_for_grey()
    {
        for (int label = 1; label <= 100_000; label++)
        {
            var (r, g, b) = OutlinePalette.Colour(label);
            Assert.True(Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b)) >= 100, $"label {label}: ({r},{g},{b})");
        }
    }

    [Fact]
    public void WritePng_writes_an_8_bit_rgb_png_equal_to_the_render()
    {
        using var dir = new TempFolder();
        string path = dir.File("overlay.png");
        Image image = ImageFile.Read(TestData.DsbImage(TestData.Dsb0ed3555a));
        LabelImage labels = LabelImageFile.Read(TestData.DsbMask(TestData.Dsb0ed3555a));

        Overlay.WritePng(path, image, labels);

        Assert.Equal(new ImageFileInfo(path, ImageFormat.Png, 256, 256, 3, SampleType.UInt8, 1), ImageFile.Describe(path));
        Assert.Equal(Overlay.Render(image, labels).Buffer, ImageFile.Read(path).Buffer);
        Assert.Equal(["overlay.png"], dir.Names());
    }

    [Fact]
    public void A_png_of_many_bands_and_chunks_decodes_to_the_render_and_matches_the_in_memory_encoding()
    {
        // Noise compresses poorly: 300 rows of 700 RGB pixels span several 64 KB IDAT chunks and five bands, the last partial.
        using var dir = new TempFolder();
        string path = dir.File("noisy.png");
        var random = new Random(7);
        var image = new Image(3, 300, 700);
        for (int i = 0; i < image.Buffer.Length; i++)
        {
            image.Buffer[i] = random.NextSingle() * 1000;
        }

        var labels = new LabelImage(300, 700);
        for (int y = 40; y < 250; y++)
        {
            for (int x = 100; x < 650; x++)
            {
                labels.Buffer[(y * 700) + x] = 1 + (x / 50);
            }
        }

        Overlay.WritePng(path, image, labels);

        Assert.True(new FileInfo(path).Length > 3 * 65536, $"{new FileInfo(path).Length} bytes");
        Assert.Equal(Overlay.Render(image, labels).Buffer, ImageFile.Read(path).Buffer);
        Assert.Equal(Overlay.EncodePng(image, labels), File.ReadAllBytes(path));
    }

    [Fact]
    public void Colour_channels_are_shown_in_rgb_and_two_channels_as_red_and_green()
    {
        // A red ramp over flat green and blue: flat channels normalise to 0.
        var rgb = new Image(3, 1, 101);
        var two = new Image(2, 1, 101);
        for (int x = 0; x < 101; x++)
        {
            rgb[0, 0, x] = x;
            rgb[1, 0, x] = 7;
            rgb[2, 0, x] = 9;
            two[0, 0, x] = 5;
            two[1, 0, x] = 100 - x;
        }

        var none = new LabelImage(1, 101);
        Image shown = Overlay.Render(rgb, none);
        Image shownTwo = Overlay.Render(two, none);

        Assert.Equal(128f, shown[0, 0, 50]); // the 50th percentile sits halfway between the 1st and 99th
        Assert.Equal(255f, shown[0, 0, 100]);
        Assert.Equal(0f, shown[0, 0, 0]);
        Assert.All(shown.Plane(1).ToArray().Concat(shown.Plane(2).ToArray()), v => Assert.Equal(0f, v));
        Assert.All(shownTwo.Plane(0).ToArray().Concat(shownTwo.Plane(2).ToArray()), v => Assert.Equal(0f, v));
        Assert.Equal(255f, shownTwo[1, 0, 0]);
    }

    [Fact]
    public void Nan_and_infinite_pixels_show_as_black_and_white()
    {
        var image = new Image(1, 10, 10);
        for (int i = 0; i < 100; i++)
        {
            image.Data[i] = i;
        }

        image.Data[5] = float.NaN;
        image.Data[6] = float.PositiveInfinity;
        image.Data[7] = float.NegativeInfinity;

        Image shown = Overlay.Render(image, new LabelImage(10, 10));

        Assert.Equal(0f, shown.Buffer[5]);
        Assert.Equal(255f, shown.Buffer[6]);
        Assert.Equal(0f, shown.Buffer[7]);
        Assert.All(shown.Buffer, v => Assert.InRange(v, 0f, 255f));
    }

    [Fact]
    public void Objects_on_the_image_edge_are_closed_by_it()
    {
        var labels = new LabelImage(3, 3, [1, 1, 1, 1, 1, 1, 1, 1, 1]);
        Image shown = Overlay.Render(new Image(1, 3, 3), labels);
        var c = OutlinePalette.Colour(1);

        for (int i = 0; i < 9; i++)
        {
            bool centre = i == 4;
            Assert.Equal(centre ? 0f : c.R, shown.Plane(0)[i]);
        }
    }

    [Fact]
    public void Large_image_with_thousands_of_objects_has_exactly_their_outlines()
    {
        // 2048x2048, 64x64 squares of 30x30 pixels with 2-pixel gaps: 4,096 objects, 116 outline pixels each.
        const int size = 2048, cell = 32, side = 30;
        var labels = new LabelImage(size, size);
        var image = new Image(1, size, size);
        var random = new Random(7);
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                image[0, y, x] = random.Next(65536);
                if (y % cell < side && x % cell < side)
                {
                    labels.Data[(y * size) + x] = ((y / cell) * (size / cell)) + (x / cell) + 1;
                }
            }
        }

        labels.Refresh();
        Image shown = Overlay.Render(image, labels);

        int coloured = 0;
        for (int i = 0; i < shown.PlaneSize; i++)
        {
            if (shown.Plane(0)[i] != shown.Plane(1)[i] || shown.Plane(1)[i] != shown.Plane(2)[i])
            {
                coloured++;
            }
        }

        Assert.Equal(4096, labels.CountObjects());
        Assert.Equal(4096 * ((4 * side) - 4), coloured);
    }

    [Fact]
    public void Image_and_labels_of_different_sizes()
    {
        using var dir = new TempFolder();
        string path = dir.File("overlay.png");

        var e = Assert.Throws<ShapeMismatchException>(() => Overlay.WritePng(path, new Image(1, 4, 5), new LabelImage(5, 4)));

        Assert.Contains("5x4", e.Message);
        Assert.Contains("4x5", e.Message);
        Assert.Empty(dir.Names());
    }

    [Fact]
    public void Overlay_must_be_a_png()
    {
        using var dir = new TempFolder();
        var e = Assert.Throws<ArgumentException>(() => Overlay.WritePng(dir.File("overlay.tif"), new Image(1, 2, 2), new LabelImage(2, 2)));
        Assert.Equal("path", e.ParamName);
    }

    [Fact]
    public void Unwritable_output_folder()
    {
        using var dir = new TempFolder();
        string path = Path.Combine(dir.Path, "missing", "overlay.png");

        var e = Assert.Throws<OutputWriteException>(() => Overlay.WritePng(path, new Image(1, 2, 2), new LabelImage(2, 2)));

        Assert.Contains("does not exist", e.Message);
        Assert.Empty(dir.Names());
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "missing")));
    }

    /// <summary>Outline pixels found object by object (within each bounding box), the slow obvious way.</summary>
    private static bool[] ReferenceOutlines(LabelImage labels)
    {
        var outline = new bool[labels.PixelCount];
        foreach (LabelObject o in labels.Objects())
        {
            BoundingBox box = o.Box;
            for (int y = box.Top; y < box.Top + box.Height; y++)
            {
                for (int x = box.Left; x < box.Left + box.Width; x++)
                {
                    if (labels[y, x] != o.Label)
                    {
                        continue;
                    }

                    bool edge = false;
                    foreach ((int dy, int dx) in new[] { (-1, 0), (1, 0), (0, -1), (0, 1) })
                    {
                        int ny = y + dy, nx = x + dx;
                        edge |= ny < 0 || nx < 0 || ny >= labels.Height || nx >= labels.Width || labels[ny, nx] != o.Label;
                    }

                    outline[(y * labels.Width) + x] = edge;
                }
            }
        }

        return outline;
    }

    private static double Distance((byte R, byte G, byte B) a, (byte R, byte G, byte B) b) =>
        Math.Sqrt(Math.Pow(a.R - b.R, 2) + Math.Pow(a.G - b.G, 2) + Math.Pow(a.B - b.B, 2));
}

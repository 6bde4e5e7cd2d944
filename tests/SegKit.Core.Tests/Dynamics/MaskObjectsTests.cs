using SegKit.Core.Dynamics;
using SegKit.Core.Images;

namespace SegKit.Core.Tests.Dynamics;

/// <summary>
/// The reconstruction edits its masks box by box (<see cref="MaskObjects"/>); the image-wide cleanup and renumbering
/// are the reference it must equal, label for label, on masks with rings, nested masks that a fill swallows, masks
/// half inside another's hole, small masks and masks the flow-error check drops.
/// </summary>
public class MaskObjectsTests
{
    [Theory]
    [InlineData(15)]
    [InlineData(0)]
    [InlineData(40)]
    public void Box_by_box_cleanup_equals_the_image_wide_cleanup(int minSize)
    {
        int differingCases = 0;
        int casesWithSwallowedMasks = 0;
        for (int seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            LabelImage masks = RandomMasks(random);
            var removed = Enumerable.Range(1, masks.MaxLabel).Where(_ => random.NextDouble() < 0.15).ToArray();

            LabelImage expected = Reference(masks, removed, minSize);
            int[] pixels = Enumerable.Range(0, masks.PixelCount).Where(i => masks.Buffer[i] != 0).ToArray();
            var objects = MaskObjects.FromPixels(masks.Clone(), pixels);
            foreach (int label in removed)
            {
                objects.Remove(label);
            }

            if (minSize > 0)
            {
                objects.RemoveSmall(minSize);
                objects.FillHoles();
                objects.RemoveSmall(minSize);
            }

            LabelImage actual = objects.Renumber();

            Assert.Equal(expected.MaxLabel, actual.MaxLabel);
            differingCases += expected.Buffer.AsSpan().SequenceEqual(actual.Buffer) ? 0 : 1;
            casesWithSwallowedMasks += expected.CountObjects() < masks.MaxLabel - removed.Length ? 1 : 0;
        }

        Assert.Equal(0, differingCases);
        if (minSize > 0)
        {
            // The cases must exercise the paths that matter: masks lost to fills or to the size limit.
            Assert.True(casesWithSwallowedMasks > 10, $"only {casesWithSwallowedMasks} cases lost a mask");
        }
    }

    [Fact]
    public void A_mask_partly_in_a_ring_hole_keeps_its_outer_part_and_is_renumbered_by_it()
    {
        var masks = new LabelImage(30, 30);
        // Label 2's first pixel lies inside ring 1's hole: after the fill its first pixel is further down.
        SyntheticLabels.Arc(masks, 1, 12, 12, 6, 8, -Math.PI, Math.PI);
        SyntheticLabels.Box(masks, 2, 10, 11, 3, 3);
        SyntheticLabels.Box(masks, 3, 14, 25, 3, 3);
        LabelImage canonical = masks.Renumber();
        int[] pixels = Enumerable.Range(0, canonical.PixelCount).Where(i => canonical.Buffer[i] != 0).ToArray();
        var objects = MaskObjects.FromPixels(canonical.Clone(), pixels);
        objects.RemoveSmall(5);
        objects.FillHoles();
        objects.RemoveSmall(5);

        LabelImage actual = objects.Renumber();

        Assert.Equal(MaskCleanup.FillHolesAndRemoveSmall(canonical, 5).Buffer, actual.Buffer);
        Assert.Equal(2, actual.MaxLabel);
        Assert.Equal(1, actual[11, 12]); // the swallowed mask's pixel now belongs to the ring
    }

    private static LabelImage Reference(LabelImage masks, int[] removed, int minSize)
    {
        var mapping = Enumerable.Range(0, masks.MaxLabel + 1).ToArray();
        foreach (int label in removed)
        {
            mapping[label] = 0;
        }

        LabelImage checkedMasks = masks.Relabel(mapping);
        return minSize > 0 ? MaskCleanup.FillHolesAndRemoveSmall(checkedMasks, minSize) : checkedMasks.Renumber();
    }

    /// <summary>Rings (some with gaps), blobs, masks inside rings and tiny masks, numbered 1..N in raster order as the seeds give them.</summary>
    private static LabelImage RandomMasks(Random random)
    {
        var image = new LabelImage(96, 96);
        int label = 1;
        for (int k = 0; k < 14; k++)
        {
            double cy = random.Next(4, 92);
            double cx = random.Next(4, 92);
            switch (random.Next(4))
            {
                case 0:
                    double r = 4 + (random.NextDouble() * 8);
                    double gap = random.NextDouble() < 0.3 ? 0.6 : 0;
                    SyntheticLabels.Arc(image, label++, cy, cx, r, r + 1.5 + random.NextDouble(), -Math.PI + gap, Math.PI);
                    SyntheticLabels.Ellipse(image, label++, cy + random.Next(-3, 4), cx + random.Next(-3, 4), 1 + (random.NextDouble() * 3), 1 + (random.NextDouble() * 3));
                    break;
                case 1:
                    SyntheticLabels.Ellipse(image, label++, cy, cx, 2 + (random.NextDouble() * 8), 2 + (random.NextDouble() * 8), random.NextDouble() * Math.PI);
                    break;
                case 2:
                    SyntheticLabels.Box(image, label++, (int)cy, (int)cx, random.Next(1, 5), random.Next(1, 5));
                    break;
                default:
                    SyntheticLabels.Arc(image, label++, cy, cx, 3, 5 + (random.NextDouble() * 4), random.NextDouble() * -3, random.NextDouble() * 3);
                    break;
            }
        }

        return image.Renumber();
    }
}

using CsCheck;
using SegKit.Core.Images;

namespace SegKit.Core.Tests.Images;

public class LabelImageTests
{
    [Fact]
    public void Renumber_orders_objects_by_first_pixel_and_closes_gaps()
    {
        var labels = new LabelImage(2, 4, [0, 9, 9, 0, 4, 4, 0, 7]);
        var renumbered = labels.Renumber();
        Assert.Equal(new[] { 0, 1, 1, 0, 2, 2, 0, 3 }, renumbered.Buffer);
        Assert.Equal(3, renumbered.MaxLabel);
        Assert.Equal(3, labels.CountObjects());
    }

    [Fact]
    public void Objects_reports_area_box_and_centroid()
    {
        var labels = new LabelImage(3, 4, [1, 1, 0, 0, 1, 1, 0, 2, 0, 0, 0, 2]);
        var objects = labels.Objects();
        Assert.Equal(2, objects.Count);
        Assert.Equal(new LabelObject(1, 4, new BoundingBox(0, 0, 2, 2), 0.5, 0.5), objects[0]);
        Assert.Equal(new LabelObject(2, 2, new BoundingBox(1, 3, 2, 1), 1.5, 3.0), objects[1]);
    }

    [Fact]
    public void Relabel_maps_values_and_drops_unmapped()
    {
        var labels = new LabelImage(1, 4, [0, 1, 2, 3]);
        Assert.Equal(new[] { 0, 5, 0, 0 }, labels.Relabel([0, 5]).Buffer);
    }

    [Fact]
    public void Negative_labels_are_rejected_with_the_pixel()
    {
        var e = Assert.Throws<InvalidImageException>(() => new LabelImage(2, 2, [0, 0, -3, 0]));
        Assert.Contains("(1,0)", e.Message);
    }

    [Fact]
    public void Renumber_is_idempotent_and_keeps_the_partition()
    {
        Gen.Int[0, 6].Array[16].Sample(values =>
        {
            var labels = new LabelImage(4, 4, values);
            var once = labels.Renumber();
            Assert.Equal(once.Buffer, once.Renumber().Buffer);
            for (int i = 0; i < 16; i++)
            {
                for (int j = 0; j < 16; j++)
                {
                    Assert.Equal(values[i] == values[j], once.Buffer[i] == once.Buffer[j]);
                }

                Assert.Equal(values[i] == 0, once.Buffer[i] == 0);
            }
        });
    }

    [Fact]
    public void Median_diameter_is_that_of_a_disc_with_the_median_area()
    {
        var labels = new LabelImage(1, 10, [1, 2, 2, 3, 3, 3, 0, 4, 4, 4]);
        // Areas 1, 2, 3, 3: median 2.5 -> diameter 2 sqrt(2.5 / pi).
        Assert.Equal(2 * Math.Sqrt(2.5 / Math.PI), labels.MedianDiameter()!.Value, 12);
        Assert.Null(new LabelImage(2, 2).MedianDiameter());
    }
}

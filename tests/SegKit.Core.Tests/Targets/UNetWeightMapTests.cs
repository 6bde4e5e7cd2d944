using SegKit.Core.Images;
using SegKit.Core.Targets;

namespace SegKit.Core.Tests.Targets;

public class UNetWeightMapTests
{
    [Fact]
    public void The_gap_between_touching_cells_weighs_most()
    {
        // Two 10x10 squares with a 2-pixel gap (columns 12 and 13) in a 40x60 image.
        var labels = new LabelImage(40, 60);
        for (int y = 10; y < 20; y++)
        {
            for (int x = 2; x < 12; x++)
            {
                labels[y, x] = 1;
                labels[y, x + 12] = 2;
            }
        }

        float[] w = UNetWeightMap.Compute(labels);
        int total = 40 * 60;
        float background = (float)(total / (2.0 * (total - 200)));
        float foreground = (float)(total / (2.0 * 200));
        // Gap pixel at column 12: 1 px from object 1, 2 px from object 2 -> 10 exp(-9/50).
        Assert.Equal(background + (10 * MathF.Exp(-9f / 50f)), w[(15 * 60) + 12], 4);
        Assert.Equal(foreground, w[(15 * 60) + 5], 5);
        // Far from both objects the border term vanishes.
        Assert.Equal(background, w[(35 * 60) + 55], 4);
        Assert.Equal(w.Max(), w[(15 * 60) + 12]);
    }

    [Fact]
    public void A_single_object_gets_only_class_balance()
    {
        var labels = new LabelImage(10, 10);
        labels[5, 5] = 1;
        float[] w = UNetWeightMap.Compute(labels);
        Assert.Equal(2, w.Distinct().Count());
        Assert.Equal(100 / 2.0, w[55], 4);
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => UNetWeightMap.Compute(labels, sigma: 0)).ParamName);
    }

    [Fact]
    public void Without_class_balance_the_base_weight_is_one_and_only_borders_weigh_more()
    {
        var labels = new LabelImage(20, 20);
        for (int x = 2; x < 9; x++)
        {
            labels[10, x] = 1;
            labels[10, x + 9] = 2;
        }

        float[] plain = UNetWeightMap.Compute(labels, w0: 0, balanceClasses: false);
        Assert.All(plain, v => Assert.Equal(1f, v));
        float[] bordered = UNetWeightMap.Compute(labels, balanceClasses: false);
        Assert.Equal(1f, bordered[0], 3); // far from both objects
        Assert.True(bordered[(10 * 20) + 9] > 5, "the pixel between the two objects carries the border term");
    }
}

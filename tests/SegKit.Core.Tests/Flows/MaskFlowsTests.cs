using SegKit.Core.Flows;
using SegKit.Core.Images;
using SegKit.Core.Tests.Dynamics;

namespace SegKit.Core.Tests.Flows;

public class MaskFlowsTests
{
    [Fact]
    public void A_bar_flows_towards_its_centre_with_unit_length()
    {
        var labels = new LabelImage(3, 7);
        SyntheticLabels.Box(labels, 1, 1, 1, 1, 5);

        FlowField flows = MaskFlows.Compute(labels);

        // The source is the centre pixel (1, 3): zero gradient there; the ends point inwards along x.
        Assert.Equal(0f, flows.DX[(1 * 7) + 3]);
        Assert.Equal(1f, flows.DX[(1 * 7) + 1], 6);
        Assert.Equal(1f, flows.DX[(1 * 7) + 2], 6);
        Assert.Equal(-1f, flows.DX[(1 * 7) + 4], 6);
        Assert.Equal(-1f, flows.DX[(1 * 7) + 5], 6);
        Assert.All(flows.DY.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Every_object_pixel_has_unit_flow_except_degenerate_ones_and_background_is_zero()
    {
        LabelImage labels = TestData.Labels("dsb_912a679e.labels.npy");

        FlowField flows = MaskFlows.Compute(labels);

        int zero = 0;
        for (int i = 0; i < labels.PixelCount; i++)
        {
            double length = Math.Sqrt((flows.DY[i] * (double)flows.DY[i]) + (flows.DX[i] * (double)flows.DX[i]));
            if (labels.Buffer[i] == 0)
            {
                Assert.Equal(0, length);
            }
            else if (length == 0)
            {
                zero++;
            }
            else
            {
                Assert.Equal(1.0, length, 5);
            }
        }

        // Zero flow: symmetric sources and the second piece of the two labels drawn in two pieces, which the
        // heat never reaches.
        Assert.InRange(zero, 1, 200);
    }

    [Fact]
    public void Empty_labels_give_zero_flows()
    {
        FlowField flows = MaskFlows.Compute(new LabelImage(8, 9));
        Assert.All(flows.Buffer, v => Assert.Equal(0f, v));
        Assert.Equal((8, 9), (flows.Height, flows.Width));
    }

    [Fact]
    public void A_one_pixel_object_has_zero_flow()
    {
        var labels = new LabelImage(5, 5);
        labels[2, 2] = 1;
        FlowField flows = MaskFlows.Compute(labels);
        Assert.All(flows.Buffer, v => Assert.Equal(0f, v));
    }
}

using SegKit.Core.Dynamics;
using SegKit.Core.Flows;
using SegKit.Core.Images;
using SegKit.Core.Metrics;

namespace SegKit.Core.Tests.Dynamics;

public class BadInputTests
{
    [Fact]
    public void Probability_of_another_shape_is_a_shape_mismatch()
    {
        var flows = new FlowField(32, 40);
        Assert.Throws<ShapeMismatchException>(() => MaskReconstruction.Compute(flows, new Image(1, 40, 32)));
        Assert.Throws<ShapeMismatchException>(() => MaskReconstruction.Compute(flows, new Image(2, 32, 40)));
        Assert.Throws<ShapeMismatchException>(() => MaskReconstruction.Compute(flows, new float[32 * 39]));
    }

    [Fact]
    public void Flow_arrays_of_the_wrong_shape_are_rejected()
    {
        Assert.Throws<ShapeMismatchException>(() => new FlowField(4, 5, new float[39]));
        Assert.Throws<ShapeMismatchException>(() => FlowField.FromArray(new float[40], [4, 5, 2]));
        Assert.Throws<ShapeMismatchException>(() => FlowField.FromArray(new float[40], [40]));
    }

    [Fact]
    public void Negative_niter_is_an_argument_error_naming_it()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new DynamicsOptions { Niter = -1 });
        Assert.Equal("Niter", e.ParamName);
        Assert.Contains("Niter", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => FlowDynamics.Follow(new FlowField(2, 2), [0], -5, new float[1], new float[1]));
    }

    [Theory]
    [InlineData(nameof(DynamicsOptions.FlowThreshold))]
    [InlineData(nameof(DynamicsOptions.MaxSizeFraction))]
    [InlineData(nameof(DynamicsOptions.CellprobThreshold))]
    public void Absurd_thresholds_are_argument_errors_naming_them(string name)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => name switch
        {
            nameof(DynamicsOptions.FlowThreshold) => new DynamicsOptions { FlowThreshold = -0.1 },
            nameof(DynamicsOptions.MaxSizeFraction) => new DynamicsOptions { MaxSizeFraction = 0 },
            _ => new DynamicsOptions { CellprobThreshold = float.NaN },
        });
        Assert.Equal(name, e.ParamName);
    }

    [Fact]
    public void All_background_gives_no_masks()
    {
        var flows = new FlowField(50, 60);
        float[] cellprob = Enumerable.Repeat(-6f, 50 * 60).ToArray();

        LabelImage masks = MaskReconstruction.Compute(flows, cellprob);

        Assert.Equal(0, masks.MaxLabel);
        Assert.Equal((50, 60), (masks.Height, masks.Width));
    }

    [Fact]
    public void All_nan_gives_no_masks()
    {
        var flows = new FlowField(30, 30, Enumerable.Repeat(float.NaN, 2 * 30 * 30).ToArray());
        float[] cellprob = Enumerable.Repeat(float.NaN, 30 * 30).ToArray();

        Assert.Equal(0, MaskReconstruction.Compute(flows, cellprob).MaxLabel);
    }

    [Fact]
    public void Nan_and_infinite_pixels_are_background_and_the_rest_is_recovered()
    {
        (FlowField flows, float[] cellprob) = DynamicsFixture.Clean("dsb_4be73d68");
        LabelImage truth = TestData.Labels("dsb_4be73d68.labels.npy");
        int plane = flows.PlaneSize;
        var poisoned = new List<int>();
        for (int i = 0; i < plane; i += 97)
        {
            poisoned.Add(i);
            switch (i % 3)
            {
                case 0:
                    cellprob[i] = float.NaN;
                    break;
                case 1:
                    flows.Buffer[i] = float.NaN;
                    break;
                default:
                    flows.Buffer[plane + i] = float.PositiveInfinity;
                    break;
            }
        }

        LabelImage masks = MaskReconstruction.Compute(flows, cellprob);

        // A poisoned pixel is background unless hole filling closed it inside a mask.
        LabelImage withoutFilling = MaskReconstruction.Compute(flows, cellprob, new DynamicsOptions { MinSize = 0 });
        Assert.All(poisoned, i => Assert.Equal(0, withoutFilling.Buffer[i]));
        double ap = InstanceMetrics.Evaluate(truth, masks, [0.5]).At(0.5).AveragePrecision;
        Assert.True(ap >= 0.98, $"AP@0.5 {ap}");
    }

    [Fact]
    public void Zero_steps_leave_every_pixel_alone_so_no_seed_forms()
    {
        (FlowField flows, float[] cellprob) = DynamicsFixture.Clean("dsb_31f1fbe8");

        LabelImage masks = MaskReconstruction.Compute(flows, cellprob, new DynamicsOptions { Niter = 0 });

        Assert.Equal(0, masks.MaxLabel);
    }

    [Fact]
    public void Flows_ignore_gaps_in_the_numbering()
    {
        LabelImage labels = TestData.Labels("synth_shapes.labels.npy");
        int[] spread = labels.Buffer.Select(v => v == 0 ? 0 : (v * 1000) + 7).ToArray();
        var gappy = new LabelImage(labels.Height, labels.Width, spread);

        Assert.Equal(MaskFlows.Compute(labels).Buffer, MaskFlows.Compute(gappy).Buffer);
    }

    [Fact]
    public void Flows_accept_huge_label_values()
    {
        var labels = new LabelImage(20, 20);
        SyntheticLabels.Box(labels, int.MaxValue, 2, 2, 8, 8);
        SyntheticLabels.Box(labels, 5, 12, 12, 6, 6);
        var small = new LabelImage(20, 20, labels.Buffer.Select(v => v == int.MaxValue ? 1 : v == 5 ? 2 : 0).ToArray());

        Assert.Equal(MaskFlows.Compute(small).Buffer, MaskFlows.Compute(labels).Buffer);
    }
}

using SegKit.Core.Flows;
using SegKit.Core.Images;
using SegKit.Core.IO;

namespace SegKit.Core.Tests.Flows;

public class FlowErrorFixtureTests
{
    public static TheoryData<string> Cases() => new(TestData.FixtureCases);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Flow_error_matches_cellpose_on_the_noisy_masks(string name)
    {
        LabelImage masks = TestData.Labels($"{name}.noisy_recovered.npy");
        NpyArray dP = TestData.Npy($"{name}.noisy_dP.npy");
        double[] expected = TestData.Npy($"{name}.flow_error.npy").ToDouble();

        double[] errors = FlowError.Compute(masks, FlowField.FromArray(dP.ToSingle(), dP.Shape));

        Assert.Equal(expected.Length, errors.Length);
        int close = 0;
        double maxDiff = 0;
        for (int k = 0; k < expected.Length; k++)
        {
            double d = Math.Abs(errors[k] - expected[k]);
            maxDiff = Math.Max(maxDiff, d);
            if (d <= 1e-5)
            {
                close++;
            }
        }

        // Float64 flows as Cellpose computes them: every mask agrees far inside the fixture's 1e-5 (95%) tolerance.
        Assert.True(close == expected.Length && maxDiff < 1e-12, $"{name}: {close}/{expected.Length} within 1e-5, max |diff| {maxDiff}");
    }

    [Fact]
    public void Flow_error_of_masks_against_their_own_flows_is_zero()
    {
        LabelImage labels = TestData.Labels("synth_shapes.labels.npy");
        FlowField network = MaskFlows.Compute(labels).Scaled(5f);

        double[] errors = FlowError.Compute(labels, network);

        Assert.Equal(labels.MaxLabel, errors.Length);
        Assert.All(errors, e => Assert.InRange(e, 0, 1e-12));
    }

    [Fact]
    public void Flow_error_rejects_flows_of_another_shape()
    {
        var masks = new LabelImage(4, 5);
        var flows = new FlowField(5, 4);
        Assert.Throws<ShapeMismatchException>(() => FlowError.Compute(masks, flows));
    }

    [Fact]
    public void Flow_error_is_nan_for_a_missing_label()
    {
        var masks = new LabelImage(6, 6);
        for (int y = 1; y < 4; y++)
        {
            for (int x = 1; x < 4; x++)
            {
                masks[y, x] = 3;
            }
        }

        double[] errors = FlowError.Compute(masks, new FlowField(6, 6));

        Assert.Equal(3, errors.Length);
        Assert.True(double.IsNaN(errors[0]) && double.IsNaN(errors[1]));
        // Zero network flow: each pixel's error is its unit flow's squared length (1), except the source's (0 gradient).
        Assert.Equal(8.0 / 9.0, errors[2], 12);
    }
}

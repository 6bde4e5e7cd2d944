using SegKit.Core.Flows;
using SegKit.Core.Images;
using SegKit.Core.Metrics;
using SegKit.Core.Pipelines;
using SegKit.Core.Tiling;

namespace SegKit.Core.Tests.Pipelines;

public class CellposePipelineTests
{
    /// <summary>The "image" holds a perfect network's output, so a pass-through network makes the pipeline an oracle.</summary>
    private sealed class PassThrough : ITileNetwork
    {
        public int OutputChannels => 3;

        public void Run(ReadOnlySpan<float> input, int count, int inputChannels, int tileSize, Span<float> output) =>
            input.CopyTo(output);
    }

    private sealed class FixedEstimate(double diameter) : IDiameterEstimator
    {
        public double? Estimate(Image input) => diameter;
    }

    private static (Image Input, LabelImage Truth) PerfectOutput(string fixtureCase)
    {
        LabelImage truth = TestData.Labels($"{fixtureCase}.labels.npy");
        FlowField flows = MaskFlows.Compute(truth);
        var input = new Image(3, truth.Height, truth.Width);
        for (int i = 0; i < truth.PixelCount; i++)
        {
            input.Plane(0)[i] = 5 * flows.DY[i];
            input.Plane(1)[i] = 5 * flows.DX[i];
            input.Plane(2)[i] = truth.Buffer[i] > 0 ? 6f : -6f;
        }

        return (input, truth);
    }

    [Fact]
    public void A_diameter_that_would_resample_beyond_one_array_is_refused_before_any_allocation()
    {
        Assert.Equal((1000, 2000), CellposePipeline.ScaledSize(2000, 4000, 17, 34));
        Assert.Equal((17000, 17000), CellposePipeline.ScaledSize(2000, 2000, 17, 2)); // 8.7e8 values in three planes: they fit

        // At 1 px: 34000 x 34000, 3.5e9 values in three planes.
        var error = Assert.Throws<InvalidImageException>(() => CellposePipeline.Predict(new Image(2, 2000, 2000), new PassThrough(), new CellposeSettings { ModelDiameter = 17, Diameter = 1 }));
        Assert.Contains("object diameter of 1 px", error.Message, StringComparison.Ordinal);
        Assert.Contains("2000 x 2000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tiles_blending_and_dynamics_recover_the_objects_from_a_perfect_network()
    {
        // 512x512: several overlapping 224 tiles, so blending is exercised.
        var (input, truth) = PerfectOutput("stardist_512");
        var output = CellposePipeline.Run(input, new PassThrough());
        var ap = InstanceMetrics.Evaluate(truth, output.Masks, [0.5, 0.9]);
        Assert.True(ap.Scores[0].AveragePrecision >= 0.99, ap.Scores[0].ToString());
        Assert.True(ap.Scores[1].AveragePrecision >= 0.95, ap.Scores[1].ToString());
        Assert.Equal(input.Plane(2).ToArray(), output.CellProbability);

        // The flows are a view of the network output (no copy); Data, Clone and Scaled see exactly the field.
        int plane = input.PlaneSize;
        Assert.Equal(2 * plane, output.Flows.Data.Length);
        Assert.Equal(input.Buffer.AsSpan(0, 2 * plane).ToArray(), output.Flows.Data.ToArray());
        Assert.Equal(2 * plane, output.Flows.Clone().Buffer.Length);
        Assert.Equal(output.Flows.Data[7] * 2, output.Flows.Scaled(2).Data[7]);
    }

    [Fact]
    public void Rescaling_to_the_model_diameter_and_back_keeps_the_objects()
    {
        var (input, truth) = PerfectOutput("dsb_4be73d68");
        var output = CellposePipeline.Run(input, new PassThrough(), new CellposeSettings { ModelDiameter = 30, Diameter = 24 });
        Assert.Equal((truth.Height, truth.Width), (output.Masks.Height, output.Masks.Width));
        Assert.Equal(truth.PixelCount, output.CellProbability.Length);
        var ap = InstanceMetrics.Evaluate(truth, output.Masks, [0.5]).Scores[0].AveragePrecision;
        Assert.True(ap >= 0.9, $"AP@0.5 = {ap}");
    }

    [Fact]
    public void Refinement_segments_again_at_the_masks_diameter_only_where_the_estimate_was_off()
    {
        var (input, truth) = PerfectOutput("dsb_4be73d68");
        double trueDiameter = truth.MedianDiameter()!.Value;
        CellposePrediction Predict(double estimate, bool refine) => CellposePipeline.Predict(input, new PassThrough(), new CellposeSettings
        {
            ModelDiameter = 3 * trueDiameter, // far from every estimate below, so each one rescales
            EstimateDiameter = true,
            DiameterEstimator = new FixedEstimate(estimate),
            RefineDiameter = refine,
        });

        // Twice too large: without refinement the network runs there; with it, the masks found there measure about the
        // true diameter, and the second pass runs at that.
        Assert.Equal(2 * trueDiameter, Predict(2 * trueDiameter, refine: false).Diameter);
        double refined = Predict(2 * trueDiameter, refine: true).Diameter!.Value;
        Assert.InRange(refined / trueDiameter, 0.9, 1.1);

        // An estimate its masks agree with (within 10%) is kept: one pass.
        Assert.Equal(1.02 * trueDiameter, Predict(1.02 * trueDiameter, refine: true).Diameter);
    }

    [Fact]
    public void Wrong_networks_and_diameters_are_rejected()
    {
        var input = new Image(2, 32, 32);
        Assert.Throws<ArgumentException>(() => CellposePipeline.Run(input, new Tiling.IdentityNetwork(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => CellposePipeline.Run(new Image(3, 8, 8), new PassThrough(), new CellposeSettings { Diameter = 0 }));
    }
}

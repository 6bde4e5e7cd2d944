using SegKit.Core.Dynamics;
using SegKit.Core.Flows;
using SegKit.Core.Images;
using SegKit.Core.Metrics;
using Xunit.Abstractions;

namespace SegKit.Core.Tests.Dynamics;

/// <summary>Masks -> flows -> masks on drawn label images, with perfect network output (5x flows, logits +-6).</summary>
public class RoundTripTests(ITestOutputHelper output)
{
    [Fact]
    public void Touching_ellipses_come_back()
    {
        var labels = new LabelImage(120, 160);
        int label = 0;
        for (int row = 0; row < 3; row++)
        {
            for (int col = 0; col < 4; col++)
            {
                // Semi-axes wider than half the spacing, so neighbours touch along a line.
                SyntheticLabels.Ellipse(labels, ++label, 20 + (row * 38), 20 + (col * 38), 17, 22, 0.3 * col);
            }
        }

        AssertRoundTrip(labels, minimumAp: 1.0);
    }

    [Fact]
    public void Concave_and_elongated_shapes_come_back()
    {
        var labels = new LabelImage(160, 160);
        SyntheticLabels.Arc(labels, 1, 40, 40, 14, 28, -2.6, 2.6); // a C
        SyntheticLabels.Arc(labels, 2, 40, 115, 20, 30, 0.2, 2.9); // a thick arc
        SyntheticLabels.Box(labels, 3, 90, 10, 4, 70); // a thin rod, 4 x 70
        SyntheticLabels.Box(labels, 4, 100, 100, 40, 10); // an L: vertical bar
        SyntheticLabels.Box(labels, 4, 130, 100, 10, 40); // and its foot
        SyntheticLabels.Box(labels, 5, 110, 20, 30, 8); // a U: left side
        SyntheticLabels.Box(labels, 5, 110, 48, 30, 8); // right side
        SyntheticLabels.Box(labels, 5, 132, 20, 8, 36); // bottom

        AssertRoundTrip(labels, minimumAp: 1.0);
    }

    [Fact]
    public void Objects_cut_by_the_border_come_back()
    {
        var labels = new LabelImage(100, 100);
        SyntheticLabels.Ellipse(labels, 1, 0, 50, 15, 20); // top edge
        SyntheticLabels.Ellipse(labels, 2, 50, -3, 18, 14); // left edge
        SyntheticLabels.Ellipse(labels, 3, 99, 99, 20, 20); // bottom-right corner
        SyntheticLabels.Ellipse(labels, 4, 60, 99, 12, 10); // right edge
        SyntheticLabels.Ellipse(labels, 5, 50, 50, 14, 14); // inside

        AssertRoundTrip(labels, minimumAp: 1.0);
    }

    [Fact]
    public void A_single_object_comes_back_exactly()
    {
        var labels = new LabelImage(64, 80);
        SyntheticLabels.Ellipse(labels, 1, 30, 40, 18, 25, 0.5);

        LabelImage masks = AssertRoundTrip(labels, minimumAp: 1.0);

        Assert.Equal(labels.Buffer, masks.Buffer);
    }

    [Fact]
    public void Three_thousand_objects_come_back()
    {
        // 60 x 50 grid of small touching blobs: 3,000 objects of about 80 pixels.
        var labels = new LabelImage(600, 500);
        int label = 0;
        for (int row = 0; row < 60; row++)
        {
            for (int col = 0; col < 50; col++)
            {
                SyntheticLabels.Box(labels, ++label, (row * 10) + 1, col * 10, 8, 10);
                SyntheticLabels.Ellipse(labels, label, (row * 10) + 4.5, (col * 10) + 4.5, 5.2, 4.0);
            }
        }

        Assert.Equal(3000, labels.CountObjects());
        AssertRoundTrip(labels, minimumAp: 1.0);
    }

    private LabelImage AssertRoundTrip(LabelImage labels, double minimumAp)
    {
        labels = labels.Renumber();
        FlowField network = MaskFlows.Compute(labels).Scaled(5f);
        float[] cellprob = labels.Buffer.Select(v => v > 0 ? 6f : -6f).ToArray();

        LabelImage masks = MaskReconstruction.Compute(network, cellprob);

        ThresholdScores scores = InstanceMetrics.Evaluate(labels, masks, [0.5, 0.9]).At(0.5);
        output.WriteLine($"{labels.CountObjects()} objects -> {masks.MaxLabel} masks; {scores}");
        Assert.True(scores.AveragePrecision >= minimumAp, $"AP@0.5 {scores.AveragePrecision}: {scores}");
        Assert.Equal(masks.MaxLabel, masks.CountObjects());
        return masks;
    }
}

using SegKit.Core.Images;
using SegKit.Core.Metrics;

namespace SegKit.Core.Tests.Metrics;

public class DatasetEvaluationTests
{
    [Fact]
    public void Counts_are_summed_and_ratios_taken_from_the_sums()
    {
        LabelImage truth = Masks.Draw("11.22.333");
        InstanceEvaluation perfect = InstanceMetrics.Evaluate(truth, truth);                        // TP 3
        InstanceEvaluation partial = InstanceMetrics.Evaluate(truth, Masks.Draw("11....4.."));      // TP 1, FP 1, FN 2

        DatasetEvaluation d = DatasetEvaluation.Combine([perfect, partial]);

        Assert.Equal(2, d.ImageCount);
        Assert.Equal(6, d.TruthCount);
        Assert.Equal(5, d.PredictionCount);
        ThresholdScores s = d.Scores[0];
        Assert.Equal((4, 1, 2), (s.TruePositives, s.FalsePositives, s.FalseNegatives));
        Assert.Equal(4f / 7f, (float)s.AveragePrecision);
        Assert.Equal(0.8, s.Precision, 15);
        Assert.Equal(4.0 / 6.0, s.Recall, 15);

        // AJI: the 0.5 assignment of the second image also pairs 3 with 4 (IoU 1/3, below the threshold), which
        // shares 1 pixel: (7 + 2 + 1) shared over (7 + 7) covered.
        Assert.Equal(7 + 2 + 1, d.AggregatedJaccardIntersection);
        Assert.Equal(7 + 7, d.AggregatedJaccardUnion);
        Assert.Equal(10.0 / 14.0, d.AggregatedJaccard, 15);
    }

    [Fact]
    public void Mean_of_per_image_ap_is_not_what_combine_reports()
    {
        // One image with 1 object found, one with 9 of 9 missed: summed AP is 1/10, mean AP would be 0.5.
        LabelImage one = Masks.Draw("1.");
        InstanceEvaluation a = InstanceMetrics.Evaluate(one, one);
        LabelImage nine = Masks.Draw("1.2.3.4.5.6.7.8.9");
        InstanceEvaluation b = InstanceMetrics.Evaluate(nine, new LabelImage(1, 17));

        Assert.Equal(0.1f, (float)DatasetEvaluation.Combine([a, b]).Scores[0].AveragePrecision);
    }

    [Fact]
    public void Different_thresholds_cannot_be_combined()
    {
        LabelImage truth = Masks.Draw("11");
        var e = Assert.Throws<ArgumentException>(() => DatasetEvaluation.Combine(
            [InstanceMetrics.Evaluate(truth, truth), InstanceMetrics.Evaluate(truth, truth, [0.5])]));
        Assert.Equal("images", e.ParamName);
        Assert.Throws<ArgumentException>(() => DatasetEvaluation.Combine([]));
    }
}

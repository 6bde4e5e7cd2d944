using SegKit.Core.Images;
using SegKit.Core.Metrics;

namespace SegKit.Core.Tests.Metrics;

/// <summary>Hand-computed cases.</summary>
public class InstanceMetricsTests
{
    private static readonly LabelImage TwoObjects = Masks.Draw(
        "11..22",
        "11..22",
        "......");

    [Fact]
    public void Identical_masks_score_one_everywhere()
    {
        InstanceEvaluation r = InstanceMetrics.Evaluate(TwoObjects, TwoObjects.Clone());

        Assert.All(r.Scores, s =>
        {
            Assert.Equal((2, 0, 0), (s.TruePositives, s.FalsePositives, s.FalseNegatives));
            Assert.Equal(1.0, s.AveragePrecision);
            Assert.Equal(1.0, s.Precision);
            Assert.Equal(1.0, s.Recall);
            Assert.Equal(1.0, s.F1);
            Assert.Equal(1.0, s.MeanMatchedIoU);
        });
        Assert.Equal(1.0, r.AggregatedJaccard);
        Assert.Equal(8, r.AggregatedJaccardIntersection);
        Assert.Equal(8, r.AggregatedJaccardUnion);
    }

    [Fact]
    public void Empty_prediction_misses_every_object()
    {
        InstanceEvaluation r = InstanceMetrics.Evaluate(TwoObjects, new LabelImage(3, 6));

        ThresholdScores s = r.At(0.5);
        Assert.Equal((0, 0, 2), (s.TruePositives, s.FalsePositives, s.FalseNegatives));
        Assert.Equal(0.0, s.AveragePrecision);
        Assert.Equal(0.0, s.Precision);
        Assert.Equal(0.0, s.Recall);
        Assert.Equal(0.0, s.F1);
        Assert.Equal(0.0, s.MeanMatchedIoU);
        Assert.Equal(0.0, r.AggregatedJaccard);
        Assert.Equal(8, r.AggregatedJaccardUnion);
    }

    [Fact]
    public void Empty_truth_makes_every_prediction_false()
    {
        InstanceEvaluation r = InstanceMetrics.Evaluate(new LabelImage(3, 6), TwoObjects);

        ThresholdScores s = r.At(0.75);
        Assert.Equal((0, 2, 0), (s.TruePositives, s.FalsePositives, s.FalseNegatives));
        Assert.Equal(0.0, s.AveragePrecision);
        Assert.Equal(0.0, s.Recall);
        Assert.Equal(0.0, r.AggregatedJaccard);
    }

    [Fact]
    public void Both_empty_is_a_perfect_score_by_convention()
    {
        InstanceEvaluation r = InstanceMetrics.Evaluate(new LabelImage(4, 4), new LabelImage(4, 4));

        Assert.All(r.Scores, s =>
        {
            Assert.Equal((0, 0, 0), (s.TruePositives, s.FalsePositives, s.FalseNegatives));
            Assert.Equal(1.0, s.AveragePrecision);
            Assert.Equal(1.0, s.F1);
        });
        Assert.Equal(1.0, r.AggregatedJaccard);
    }

    [Fact]
    public void One_truth_split_into_two_halves_matches_one_half_at_iou_one_half()
    {
        LabelImage truth = Masks.Draw(
            "1111",
            "1111",
            "1111",
            "1111");
        LabelImage prediction = Masks.Draw(
            "1122",
            "1122",
            "1122",
            "1122");

        InstanceEvaluation r = InstanceMetrics.Evaluate(truth, prediction);

        // IoU of each half = 8 / 16 = 0.5 exactly, so one of them reaches the 0.5 threshold.
        Assert.Equal(0.5, r.Overlap.IntersectionOverUnion(1, 1));
        Assert.Equal(0.5, r.Overlap.IntersectionOverUnion(1, 2));
        ThresholdScores half = r.At(0.5);
        Assert.Equal((1, 1, 0), (half.TruePositives, half.FalsePositives, half.FalseNegatives));
        Assert.Equal(0.5, half.AveragePrecision);
        Assert.Equal(0.5, half.Precision);
        Assert.Equal(1.0, half.Recall);
        Assert.Equal(2.0 / 3.0, half.F1, 12);
        Assert.Equal(0.5, half.MeanMatchedIoU);
        ThresholdScores strict = r.At(0.75);
        Assert.Equal((0, 2, 1), (strict.TruePositives, strict.FalsePositives, strict.FalseNegatives));
        Assert.Equal(0.0, strict.AveragePrecision);
        Assert.Equal(8.0 / 16.0, r.AggregatedJaccard);
    }

    [Fact]
    public void Two_truths_merged_into_one_prediction()
    {
        LabelImage truth = Masks.Draw(
            "111222",
            "111222");
        LabelImage prediction = Masks.Draw(
            "111111",
            "111111");

        InstanceEvaluation r = InstanceMetrics.Evaluate(truth, prediction);

        Assert.Equal(2, r.Overlap.Pairs.Count);
        Assert.Equal(new OverlapPair(1, 1, 6, 12), r.Overlap.Pairs[0]);
        ThresholdScores s = r.At(0.5);
        Assert.Equal((1, 0, 1), (s.TruePositives, s.FalsePositives, s.FalseNegatives));
        Assert.Equal(0.5f, (float)s.AveragePrecision);
        Assert.Equal(6.0 / 12.0, r.AggregatedJaccard);
    }

    [Fact]
    public void Optimal_assignment_beats_greedy_best_iou_first()
    {
        // Greedy by highest IoU would pair truth 1 with prediction 1 (6/14) and leave both others unmatched;
        // the optimal one-to-one matching pairs 1-2 (4/10) and 2-1 (4/10).
        LabelImage truth = Masks.Draw("11111111112222");
        LabelImage prediction = Masks.Draw("22221111111111");

        InstanceEvaluation r = InstanceMetrics.Evaluate(truth, prediction, [0.3, 0.5]);

        Assert.Equal(6.0 / 14.0, r.Overlap.IntersectionOverUnion(1, 1));
        ThresholdScores low = r.At(0.3);
        Assert.Equal((2, 0, 0), (low.TruePositives, low.FalsePositives, low.FalseNegatives));
        Assert.Equal(0.4, low.MeanMatchedIoU, 15);
        ThresholdScores half = r.At(0.5);
        Assert.Equal((0, 2, 2), (half.TruePositives, half.FalsePositives, half.FalseNegatives));

        // The 0.5 assignment (which AJI uses) still maximises the IoU sum: 1-2 and 2-1, 4 + 4 shared pixels.
        Assert.Equal(8, r.AggregatedJaccardIntersection);
        Assert.Equal(8.0 / 14.0, r.AggregatedJaccard);
        Assert.Equal([new OverlapPair(1, 2, 4, 10), new OverlapPair(2, 1, 4, 10)], ObjectMatching.Assign(r.Overlap, 0.5));
    }

    [Fact]
    public void Overlap_counts_areas_pairs_and_union()
    {
        LabelImage truth = Masks.Draw(
            "11..",
            "11.3",
            "...3");
        LabelImage prediction = Masks.Draw(
            ".22.",
            ".22.",
            "...5");

        LabelOverlap o = LabelOverlap.Compute(truth, prediction);

        Assert.Equal([1, 3], o.TruthLabels);
        Assert.Equal([2, 5], o.PredictionLabels);
        Assert.Equal(3, o.TruthMaxLabel);
        Assert.Equal(5, o.PredictionMaxLabel);
        Assert.Equal(4, o.TruthArea(1));
        Assert.Equal(0, o.TruthArea(2));
        Assert.Equal(1, o.PredictionArea(5));
        Assert.Equal([new OverlapPair(1, 2, 2, 6), new OverlapPair(3, 5, 1, 2)], o.Pairs);
        Assert.Equal(2, o.Intersection(1, 2));
        Assert.Equal(0, o.Intersection(1, 5));
        Assert.Equal(8, o.ForegroundUnion);
        Assert.Equal((2.0 / 6.0) + 0.5, o.IoUSum, 15);
    }

    [Fact]
    public void Labels_are_counted_when_present_not_up_to_the_largest()
    {
        // Labels 1 and 5 only: two objects (Cellpose would count max(label) = 5 and report 3 false negatives).
        LabelImage truth = Masks.Draw("1..5");

        InstanceEvaluation r = InstanceMetrics.Evaluate(truth, truth.Clone());

        Assert.Equal(2, r.TruthCount);
        Assert.Equal(5, r.Overlap.TruthMaxLabel);
        Assert.Equal((2, 0, 0), (r.Scores[0].TruePositives, r.Scores[0].FalsePositives, r.Scores[0].FalseNegatives));
        Assert.Equal(1.0, r.Scores[0].AveragePrecision);
    }

    [Fact]
    public void Any_threshold_list_is_kept_in_order()
    {
        InstanceEvaluation r = InstanceMetrics.Evaluate(TwoObjects, TwoObjects, [0.95, 0.1, 1.0]);

        Assert.Equal([0.95, 0.1, 1.0], r.Thresholds);
        Assert.Equal([0.95, 0.1, 1.0], r.Scores.Select(s => s.Threshold));
        Assert.Throws<ArgumentException>(() => r.At(0.5));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Thresholds_outside_zero_to_one_are_rejected(double threshold)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => InstanceMetrics.Evaluate(TwoObjects, TwoObjects, [0.5, threshold]));
        Assert.Equal("thresholds", e.ParamName);
    }

    [Fact]
    public void No_threshold_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => InstanceMetrics.Evaluate(TwoObjects, TwoObjects, []));
        Assert.Equal("thresholds", e.ParamName);
    }

    [Fact]
    public void Shapes_must_agree()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => InstanceMetrics.Evaluate(TwoObjects, new LabelImage(6, 3)));
        Assert.Contains("3x6", e.Message);
        Assert.Contains("6x3", e.Message);
    }

    [Fact]
    public void Labels_written_behind_the_images_back_are_reported()
    {
        LabelImage truth = Masks.Draw("11..");
        truth.Data[3] = 7;  // MaxLabel is still 1 (no Refresh)

        var e = Assert.Throws<InvalidImageException>(() => LabelOverlap.Compute(truth, Masks.Draw("1...")));
        Assert.Contains("label 7 in the ground truth", e.Message);
    }

    [Fact]
    public void Large_image_counted_in_parallel_chunks_equals_the_sequential_count()
    {
        // 1024 x 1024 crosses the parallel threshold; compare with the same rows counted as small separate images.
        const int size = 1024;
        var t = new int[size * size];
        var p = new int[size * size];
        var random = new Random(7);
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                t[(y * size) + x] = ((y / 16) * 64) + (x / 16) + 1;
                p[(y * size) + x] = random.Next(10) == 0 ? 0 : ((y / 20) * 52) + (x / 20) + 1;
            }
        }

        LabelOverlap whole = LabelOverlap.Compute(new LabelImage(size, size, t), new LabelImage(size, size, p));

        var expected = new Dictionary<(int, int), long>();
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] != 0 && p[i] != 0)
            {
                expected[(t[i], p[i])] = expected.GetValueOrDefault((t[i], p[i])) + 1;
            }
        }

        Assert.Equal(expected.Count, whole.Pairs.Count);
        Assert.All(whole.Pairs, pair => Assert.Equal(expected[(pair.TruthLabel, pair.PredictionLabel)], pair.Intersection));
        Assert.Equal(256, whole.TruthArea(1));
        Assert.Equal(t.Length, whole.ForegroundUnion);
    }
}

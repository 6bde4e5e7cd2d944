using SegKit.Core.Images;
using SegKit.Core.Metrics;

namespace SegKit.Core.Tests.Metrics;

public class ProbabilityThresholdSweepTests
{
    [Fact]
    public void Counts_f_scores_and_the_pixel_error_of_a_hand_made_case()
    {
        // Truth foreground: the four pixels of the right half. Probabilities (binary fractions, exact in float and double):
        // two of them 0.875 and 0.5, two 0.1875; the background 0.125, 0.375 (above 0.25), 0.25 (at 0.25: not above) and
        // NaN (above nothing).
        LabelImage truth = Masks.Draw(
            "0011",
            "0011");
        float[] probability =
        [
            0.125f, 0.375f, 0.875f, 0.5f,
            0.25f, float.NaN, 0.1875f, 0.1875f,
        ];

        var sweep = ProbabilityThresholdSweep.Evaluate(truth, probability, [0.0, 0.25, 0.625]);

        Assert.Equal(8, sweep.Pixels);
        Assert.Equal(4, sweep.TruthForeground);

        // Above 0: every foreground pixel, three background pixels (NaN is above none).
        Assert.Equal((4, 3, 0), (sweep.TruePositives(0), sweep.FalsePositives(0), sweep.FalseNegatives(0)));

        // Above 0.25: 0.875 and 0.5 in the foreground, 0.375 in the background.
        Assert.Equal((2, 1, 2), (sweep.TruePositives(1), sweep.FalsePositives(1), sweep.FalseNegatives(1)));

        // Above 0.625: 0.875 only.
        Assert.Equal((1, 0, 3), (sweep.TruePositives(2), sweep.FalsePositives(2), sweep.FalseNegatives(2)));

        Assert.Equal(8.0 / 11, sweep.FScore(0), 15);
        Assert.Equal(4.0 / 7, sweep.FScore(1), 15);
        Assert.Equal(2.0 / 5, sweep.FScore(2), 15);
        Assert.Equal(5.0 / 8, sweep.Accuracy(0), 15);
        Assert.Equal(5.0 / 8, sweep.Accuracy(1), 15);
        Assert.Equal(5.0 / 8, sweep.Accuracy(2), 15);
        Assert.Equal(0, sweep.BestIndex);
        Assert.Equal(3.0 / 11, sweep.PixelError, 15);
    }

    [Fact]
    public void Each_threshold_scores_what_the_thresholded_mask_scores()
    {
        var random = new Random(5);
        const int height = 37;
        const int width = 53;
        var truth = new LabelImage(height, width);
        var probability = new float[height * width];
        for (int i = 0; i < probability.Length; i++)
        {
            truth.Buffer[i] = random.Next(4) == 0 ? 0 : 1 + random.Next(3);

            // Coarse values, so that some fall exactly on a threshold (0 and 0.5 are exact in float), which is not above it.
            probability[i] = random.Next(21) / 20f;
        }

        var sweep = ProbabilityThresholdSweep.Evaluate(truth, probability, ProbabilityThresholdSweep.ChallengeThresholds);
        for (int k = 0; k < sweep.Thresholds.Count; k++)
        {
            var mask = new LabelImage(height, width);
            for (int i = 0; i < probability.Length; i++)
            {
                mask.Buffer[i] = probability[i] > sweep.Thresholds[k] ? 1 : 0;
            }

            SemanticEvaluation expected = SemanticMetrics.EvaluateForeground(truth, mask);
            Assert.Equal(expected.Dice[1], sweep.FScore(k), 12);
            Assert.Equal(expected.PixelAccuracy, sweep.Accuracy(k), 12);
        }

        int best = Enumerable.Range(0, sweep.Thresholds.Count).MaxBy(sweep.FScore);
        Assert.Equal(best, sweep.BestIndex);
        Assert.Equal(1 - sweep.FScore(best), sweep.PixelError, 15);
    }

    [Fact]
    public void Combining_images_sums_their_counts_like_one_image_of_both()
    {
        LabelImage top = Masks.Draw("0110");
        LabelImage bottom = Masks.Draw("1001");
        float[] topProbability = [0.2f, 0.7f, 0.4f, 0.6f];
        float[] bottomProbability = [0.9f, 0.1f, 0.5f, 0.3f];
        double[] thresholds = [0.25, 0.5, 0.75];

        var combined = ProbabilityThresholdSweep.Combine(
        [
            ProbabilityThresholdSweep.Evaluate(top, topProbability, thresholds),
            ProbabilityThresholdSweep.Evaluate(bottom, bottomProbability, thresholds),
        ]);
        var whole = ProbabilityThresholdSweep.Evaluate(Masks.Draw("0110", "1001"), [.. topProbability, .. bottomProbability], thresholds);

        Assert.Equal(whole.Pixels, combined.Pixels);
        Assert.Equal(whole.TruthForeground, combined.TruthForeground);
        for (int k = 0; k < thresholds.Length; k++)
        {
            Assert.Equal(whole.TruePositives(k), combined.TruePositives(k));
            Assert.Equal(whole.FalsePositives(k), combined.FalsePositives(k));
        }

        Assert.Equal(whole.PixelError, combined.PixelError, 15);
    }

    [Theory]
    [InlineData(new[] { 0.5, 0.3 })]
    [InlineData(new[] { 0.3, 0.3 })]
    [InlineData(new[] { -0.1 })]
    [InlineData(new[] { 1.0 })]
    [InlineData(new[] { double.NaN })]
    [InlineData(new double[0])]
    public void Thresholds_must_increase_within_zero_to_one(double[] thresholds)
    {
        Assert.Throws<ArgumentException>(() => new ProbabilityThresholdSweep(thresholds));
    }

    [Fact]
    public void Refuses_a_map_of_another_size_and_sweeps_over_other_thresholds()
    {
        LabelImage truth = Masks.Draw("0110");
        Assert.Throws<ShapeMismatchException>(() => ProbabilityThresholdSweep.Evaluate(truth, [0.5f, 0.5f], [0.5]));
        Assert.Throws<ArgumentException>(() => ProbabilityThresholdSweep.Combine(
        [
            ProbabilityThresholdSweep.Evaluate(truth, [0.1f, 0.2f, 0.3f, 0.4f], [0.5]),
            ProbabilityThresholdSweep.Evaluate(truth, [0.1f, 0.2f, 0.3f, 0.4f], [0.25]),
        ]));
    }
}

using CsCheck;
using SegKit.Core.Images;
using SegKit.Core.Metrics;

namespace SegKit.Core.Tests.Metrics;

/// <summary>Invariants of the matching metrics on random label images, and an exhaustive-search oracle.</summary>
public class InstanceMetricsPropertyTests
{
    private const int Size = 12;

    // Up to 7 rectangles painted in order (later ones cover earlier ones), so objects touch, nest and vanish.
    private static readonly Gen<LabelImage> GenLabels =
        Gen.Select(Gen.Int[0, Size - 1], Gen.Int[0, Size - 1], Gen.Int[1, 7], Gen.Int[1, 7])
            .Array[0, 7]
            .Select(Paint);

    private static readonly double[] Thresholds = [0.1, 0.3, 0.5, 0.75, 0.9];

    [Fact]
    public void A_mask_against_itself_scores_one()
    {
        GenLabels.Sample(labels =>
        {
            InstanceEvaluation r = InstanceMetrics.Evaluate(labels, labels.Clone(), Thresholds);
            Assert.All(r.Scores, s =>
            {
                Assert.Equal(r.TruthCount, s.TruePositives);
                Assert.Equal(1.0, s.AveragePrecision);
            });
            Assert.Equal(1.0, r.AggregatedJaccard);
        });
    }

    [Fact]
    public void Permuting_labels_changes_no_count()
    {
        Gen.Select(GenLabels, GenLabels, Gen.Int[0, int.MaxValue]).Sample((truth, prediction, seed) =>
        {
            InstanceEvaluation a = InstanceMetrics.Evaluate(truth, prediction, Thresholds);
            InstanceEvaluation b = InstanceMetrics.Evaluate(Permute(truth, seed), Permute(prediction, seed + 1), Thresholds);
            for (int k = 0; k < Thresholds.Length; k++)
            {
                Assert.Equal(a.Scores[k].TruePositives, b.Scores[k].TruePositives);
                Assert.Equal(a.Scores[k].FalsePositives, b.Scores[k].FalsePositives);
                Assert.Equal(a.Scores[k].FalseNegatives, b.Scores[k].FalseNegatives);
                Assert.Equal(a.Scores[k].AveragePrecision, b.Scores[k].AveragePrecision);
            }

            Assert.Equal(a.Overlap.IoUSum, b.Overlap.IoUSum, 12);
        });
    }

    [Fact]
    public void Swapping_truth_and_prediction_swaps_false_positives_and_negatives()
    {
        Gen.Select(GenLabels, GenLabels).Sample((truth, prediction) =>
        {
            InstanceEvaluation a = InstanceMetrics.Evaluate(truth, prediction, Thresholds);
            InstanceEvaluation b = InstanceMetrics.Evaluate(prediction, truth, Thresholds);
            for (int k = 0; k < Thresholds.Length; k++)
            {
                Assert.Equal(a.Scores[k].TruePositives, b.Scores[k].TruePositives);
                Assert.Equal(a.Scores[k].FalsePositives, b.Scores[k].FalseNegatives);
            }
        });
    }

    [Fact]
    public void Matching_is_optimal_by_exhaustive_search()
    {
        Gen.Select(GenLabels, GenLabels).Sample((truth, prediction) =>
        {
            LabelOverlap overlap = LabelOverlap.Compute(truth, prediction);
            foreach (double th in Thresholds)
            {
                IReadOnlyList<OverlapPair> matched = ObjectMatching.Assign(overlap, th);

                // One-to-one, and only overlapping pairs.
                Assert.Equal(matched.Count, matched.Select(p => p.TruthLabel).Distinct().Count());
                Assert.Equal(matched.Count, matched.Select(p => p.PredictionLabel).Distinct().Count());
                Assert.All(matched, p => Assert.Contains(p, overlap.Pairs));

                (int bestCount, double bestSum) = BestByExhaustiveSearch(overlap.Pairs, th);
                Assert.Equal(bestCount, matched.Count(p => p.IoU >= th));
                Assert.Equal(bestSum, matched.Sum(p => p.IoU), 9);
            }
        });
    }

    [Fact]
    public void Scores_are_consistent_with_the_counts()
    {
        Gen.Select(GenLabels, GenLabels).Sample((truth, prediction) =>
        {
            InstanceEvaluation r = InstanceMetrics.Evaluate(truth, prediction, Thresholds);
            int previous = int.MaxValue;
            foreach (ThresholdScores s in r.Scores.OrderBy(s => s.Threshold))
            {
                Assert.Equal(r.TruthCount, s.TruePositives + s.FalseNegatives);
                Assert.Equal(r.PredictionCount, s.TruePositives + s.FalsePositives);
                Assert.True(s.TruePositives <= previous, "a stricter threshold cannot match more pairs");
                previous = s.TruePositives;
                Assert.InRange(s.AveragePrecision, 0, 1);
                Assert.InRange(s.F1, s.AveragePrecision - 1e-7, 1);
            }

            Assert.InRange(r.AggregatedJaccard, 0, 1);
        });
    }

    /// <summary>Lexicographic best (pairs with IoU >= th, then IoU sum over all matched pairs) over every matching.</summary>
    private static (int Count, double Sum) BestByExhaustiveSearch(IReadOnlyList<OverlapPair> pairs, double th)
    {
        var usedTruth = new HashSet<int>();
        var usedPrediction = new HashSet<int>();
        (int Count, double Sum) best = (0, 0);

        void Search(int next, int count, double sum)
        {
            if (count > best.Count || (count == best.Count && sum > best.Sum + 1e-12))
            {
                best = (count, sum);
            }

            for (int k = next; k < pairs.Count; k++)
            {
                OverlapPair p = pairs[k];
                if (usedTruth.Contains(p.TruthLabel) || usedPrediction.Contains(p.PredictionLabel))
                {
                    continue;
                }

                usedTruth.Add(p.TruthLabel);
                usedPrediction.Add(p.PredictionLabel);
                Search(k + 1, count + (p.IoU >= th ? 1 : 0), sum + p.IoU);
                usedTruth.Remove(p.TruthLabel);
                usedPrediction.Remove(p.PredictionLabel);
            }
        }

        Search(0, 0, 0);
        return best;
    }

    private static LabelImage Paint((int Y, int X, int H, int W)[] rectangles)
    {
        var image = new LabelImage(Size, Size);
        for (int r = 0; r < rectangles.Length; r++)
        {
            var (top, left, h, w) = rectangles[r];
            for (int y = top; y < Math.Min(Size, top + h); y++)
            {
                for (int x = left; x < Math.Min(Size, left + w); x++)
                {
                    image[y, x] = r + 1;
                }
            }
        }

        return image;
    }

    private static LabelImage Permute(LabelImage labels, int seed)
    {
        var mapping = Enumerable.Range(1, labels.MaxLabel).Select(v => v * 3 + 1).ToArray();
        new Random(seed).Shuffle(mapping);
        return labels.Relabel([0, .. mapping]);
    }
}

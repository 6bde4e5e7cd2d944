using SegKit.Core.Images;

namespace SegKit.Core.Metrics;

/// <summary>
/// A foreground probability map scored against the truth at several probability thresholds: for each, the pixels above
/// it are the predicted foreground, and its pixel accuracy and foreground F-score (Dice) follow from the counts.
/// </summary>
/// <remarks>
/// This is how the ISBI 2012 EM segmentation challenge scored membrane maps (Arganda-Carreras et al., Front. Neuroanat.
/// 9:142, 2015, and Fiji's PixelError): its "pixel error" is 1 minus the maximal F-score of the foreground (cell
/// interior) over thresholds, with the counts summed over the slices. Published figures for that data (the U-Net paper's
/// 0.0611) are on that scale, not 1 minus pixel accuracy. Counts are kept per threshold, so images are scored one at a
/// time and combined by summing (<see cref="Combine"/>).
/// </remarks>
public sealed class ProbabilityThresholdSweep
{
    private readonly double[] _thresholds;

    /// <summary>Per threshold: truth foreground pixels whose probability is above it (true positives).</summary>
    private readonly long[] _foregroundAbove;

    /// <summary>Per threshold: truth background pixels whose probability is above it (false positives).</summary>
    private readonly long[] _backgroundAbove;

    /// <param name="thresholds">Probability thresholds, strictly increasing, each in [0, 1).</param>
    public ProbabilityThresholdSweep(IReadOnlyList<double> thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        if (thresholds.Count == 0)
        {
            throw new ArgumentException("at least one threshold is needed", nameof(thresholds));
        }

        for (int k = 0; k < thresholds.Count; k++)
        {
            if (!(thresholds[k] >= 0 && thresholds[k] < 1) || (k > 0 && !(thresholds[k] > thresholds[k - 1])))
            {
                throw new ArgumentException($"thresholds must increase strictly within [0, 1); got {string.Join(", ", thresholds)}", nameof(thresholds));
            }
        }

        _thresholds = [.. thresholds];
        _foregroundAbove = new long[_thresholds.Length];
        _backgroundAbove = new long[_thresholds.Length];
    }

    /// <summary>0, 0.1, ..., 0.9: the thresholds of the challenge's evaluation script (Fiji's PixelError from 0 to 1 in steps of 0.1).</summary>
    public static IReadOnlyList<double> ChallengeThresholds { get; } = [.. Enumerable.Range(0, 10).Select(k => k / 10.0)];

    public IReadOnlyList<double> Thresholds => _thresholds;

    /// <summary>Pixels scored.</summary>
    public long Pixels { get; private set; }

    /// <summary>Pixels whose truth is foreground (a non-zero label).</summary>
    public long TruthForeground { get; private set; }

    /// <summary>The threshold whose F-score is highest (the lowest such threshold on a tie).</summary>
    public int BestIndex
    {
        get
        {
            int best = 0;
            for (int k = 1; k < _thresholds.Length; k++)
            {
                if (FScore(k) > FScore(best))
                {
                    best = k;
                }
            }

            return best;
        }
    }

    /// <summary>The challenge's pixel error: 1 minus the maximal foreground F-score over the thresholds.</summary>
    public double PixelError => 1 - FScore(BestIndex);

    /// <summary>Scores one probability map (row-major, the truth's shape) against <paramref name="truth"/>'s non-zero labels.</summary>
    /// <exception cref="ShapeMismatchException">The map does not have the truth's pixel count.</exception>
    public static ProbabilityThresholdSweep Evaluate(LabelImage truth, ReadOnlySpan<float> probability, IReadOnlyList<double> thresholds)
    {
        var sweep = new ProbabilityThresholdSweep(thresholds);
        sweep.Add(truth, probability);
        return sweep;
    }

    /// <summary>The sweep of a data set: the images' counts summed, as the challenge summed its slices.</summary>
    public static ProbabilityThresholdSweep Combine(IEnumerable<ProbabilityThresholdSweep> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        ProbabilityThresholdSweep? sum = null;
        foreach (ProbabilityThresholdSweep image in images)
        {
            ArgumentNullException.ThrowIfNull(image, nameof(images));
            sum ??= new ProbabilityThresholdSweep(image._thresholds);
            if (!sum._thresholds.AsSpan().SequenceEqual(image._thresholds))
            {
                throw new ArgumentException("sweeps over different thresholds cannot be combined", nameof(images));
            }

            for (int k = 0; k < sum._thresholds.Length; k++)
            {
                sum._foregroundAbove[k] += image._foregroundAbove[k];
                sum._backgroundAbove[k] += image._backgroundAbove[k];
            }

            sum.Pixels += image.Pixels;
            sum.TruthForeground += image.TruthForeground;
        }

        return sum ?? throw new ArgumentException("no sweeps to combine", nameof(images));
    }

    /// <summary>Truth foreground pixels above threshold <paramref name="index"/>.</summary>
    public long TruePositives(int index) => _foregroundAbove[index];

    /// <summary>Truth background pixels above threshold <paramref name="index"/>.</summary>
    public long FalsePositives(int index) => _backgroundAbove[index];

    /// <summary>Truth foreground pixels at or below threshold <paramref name="index"/>.</summary>
    public long FalseNegatives(int index) => TruthForeground - _foregroundAbove[index];

    /// <summary>2 TP / (2 TP + FP + FN) at threshold <paramref name="index"/>; 0 when there is no foreground in truth or prediction.</summary>
    public double FScore(int index)
    {
        long tp = TruePositives(index);
        long denominator = (2 * tp) + FalsePositives(index) + FalseNegatives(index);
        return denominator == 0 ? 0 : 2.0 * tp / denominator;
    }

    /// <summary>Pixels classified as the truth says at threshold <paramref name="index"/>, over all pixels.</summary>
    public double Accuracy(int index) =>
        Pixels == 0 ? double.NaN : (double)(TruePositives(index) + (Pixels - TruthForeground - FalsePositives(index))) / Pixels;

    private void Add(LabelImage truth, ReadOnlySpan<float> probability)
    {
        ArgumentNullException.ThrowIfNull(truth);
        if (probability.Length != truth.PixelCount)
        {
            throw new ShapeMismatchException($"the probability map has {probability.Length} values but the truth is {truth.Height}x{truth.Width}");
        }

        // Per pixel, how many thresholds its probability is above (thresholds increase, so those are the first ones);
        // histograms of that count per truth class, then suffix sums give the counts above each threshold. NaN is above none.
        int n = _thresholds.Length;
        Span<long> foreground = stackalloc long[n + 1];
        Span<long> background = stackalloc long[n + 1];
        ReadOnlySpan<int> labels = truth.Data;
        double[] thresholds = _thresholds;
        for (int i = 0; i < labels.Length; i++)
        {
            double p = probability[i];
            int above = 0;
            while (above < n && p > thresholds[above])
            {
                above++;
            }

            if (labels[i] != 0)
            {
                foreground[above]++;
            }
            else
            {
                background[above]++;
            }
        }

        long fg = foreground[n];
        long bg = background[n];
        for (int k = n - 1; k >= 0; k--)
        {
            _foregroundAbove[k] += fg;
            _backgroundAbove[k] += bg;
            fg += foreground[k];
            bg += background[k];
        }

        TruthForeground += fg;
        Pixels += labels.Length;
    }
}

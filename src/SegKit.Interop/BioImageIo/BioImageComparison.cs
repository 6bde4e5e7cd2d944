using System.Globalization;

namespace SegKit.Interop.BioImageIo;

/// <summary>How a computed tensor compares with a package's test tensor: the largest difference, where it is, and how many elements miss the tolerance.</summary>
public sealed record BioImageComparison
{
    public required string Tensor { get; init; }

    public double MaxAbsoluteDifference { get; init; }

    /// <summary>Index of the largest difference relative to the tolerance, e.g. [0, 1, 12, 40].</summary>
    public required IReadOnlyList<int> WorstIndex { get; init; }

    public double ExpectedAtWorst { get; init; }

    public double ActualAtWorst { get; init; }

    public long Mismatched { get; init; }

    public long Elements { get; init; }

    public required BioImageTolerance Tolerance { get; init; }

    public bool Passed => Mismatched * 1e6 <= Tolerance.MismatchedElementsPerMillion * Elements;

    /// <summary>Compares element by element; a NaN on either side is a mismatch unless both are NaN.</summary>
    public static BioImageComparison Compare(string tensor, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, IReadOnlyList<int> shape, BioImageTolerance tolerance)
    {
        ArgumentNullException.ThrowIfNull(tolerance);
        if (expected.Length != actual.Length)
        {
            throw new ArgumentException($"{expected.Length} expected values but {actual.Length} computed", nameof(actual));
        }

        double maxDifference = 0;
        double worstRatio = -1;
        int worst = 0;
        long mismatched = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i];
            double a = actual[i];
            double difference = Math.Abs(a - e);
            double allowed = tolerance.Absolute + (tolerance.Relative * Math.Abs(e));
            bool bothNaN = double.IsNaN(e) && double.IsNaN(a);
            double ratio = bothNaN ? 0 : double.IsNaN(difference) ? double.PositiveInfinity : difference / Math.Max(allowed, double.Epsilon);
            if (!bothNaN && !(difference <= allowed))
            {
                mismatched++;
            }

            if (!double.IsNaN(difference) && difference > maxDifference)
            {
                maxDifference = difference;
            }

            if (ratio > worstRatio)
            {
                worstRatio = ratio;
                worst = i;
            }
        }

        return new BioImageComparison
        {
            Tensor = tensor,
            MaxAbsoluteDifference = mismatched > 0 && worstRatio == double.PositiveInfinity ? double.NaN : maxDifference,
            WorstIndex = Unravel(worst, shape),
            ExpectedAtWorst = expected.IsEmpty ? 0 : expected[worst],
            ActualAtWorst = actual.IsEmpty ? 0 : actual[worst],
            Mismatched = mismatched,
            Elements = expected.Length,
            Tolerance = tolerance,
        };
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Tensor}: max |difference| {MaxAbsoluteDifference:G3}; {Mismatched} of {Elements} elements outside {Tolerance.Absolute:G3} + {Tolerance.Relative:G3} x |expected| (worst at [{string.Join(", ", WorstIndex)}]: expected {ExpectedAtWorst:G6}, computed {ActualAtWorst:G6})");

    private static int[] Unravel(int flat, IReadOnlyList<int> shape)
    {
        var index = new int[shape.Count];
        for (int d = shape.Count - 1; d >= 0; d--)
        {
            int size = Math.Max(1, shape[d]);
            index[d] = flat % size;
            flat /= size;
        }

        return index;
    }
}

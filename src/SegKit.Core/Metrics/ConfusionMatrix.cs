namespace SegKit.Core.Metrics;

/// <summary>
/// Pixel counts of a semantic segmentation: entry [t, p] counts pixels of true class t predicted as class p.
/// Matrices of several images add up to the data set's.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    public ConfusionMatrix(int classCount)
    {
        if (classCount < 1 || classCount > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "a class map needs between 1 and 65536 classes");
        }

        ClassCount = classCount;
        _counts = new long[classCount * classCount];
    }

    public int ClassCount { get; }

    public long this[int truthClass, int predictedClass]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)truthClass, (uint)ClassCount, nameof(truthClass));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)predictedClass, (uint)ClassCount, nameof(predictedClass));
            return _counts[(truthClass * ClassCount) + predictedClass];
        }
    }

    /// <summary>All pixels counted.</summary>
    public long Total { get; private set; }

    /// <summary>Counts one image's pixels. Both spans hold class indices in [0, ClassCount).</summary>
    /// <exception cref="ShapeMismatchException">The spans differ in length.</exception>
    /// <exception cref="InvalidImageException">A class index is outside [0, ClassCount).</exception>
    public void Add(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted)
    {
        if (truth.Length != predicted.Length)
        {
            throw new ShapeMismatchException($"ground-truth class map has {truth.Length} pixels but the prediction has {predicted.Length}");
        }

        int n = ClassCount;
        for (int i = 0; i < truth.Length; i++)
        {
            int t = truth[i];
            int p = predicted[i];
            if ((uint)t >= (uint)n || (uint)p >= (uint)n)
            {
                string which = (uint)t >= (uint)n ? $"ground-truth class {t}" : $"predicted class {p}";
                throw new InvalidImageException($"{which} at pixel {i} is outside 0..{n - 1}");
            }

            _counts[(t * n) + p]++;
        }

        Total += truth.Length;
    }

    /// <summary>Adds precomputed counts, row-major (truth class major), ClassCount^2 of them.</summary>
    internal void AddCounts(ReadOnlySpan<long> counts)
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += counts[i];
            Total += counts[i];
        }
    }

    /// <summary>Adds the counts of <paramref name="other"/> (same class count) to this matrix.</summary>
    public void Add(ConfusionMatrix other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.ClassCount != ClassCount)
        {
            throw new ArgumentException($"matrix has {other.ClassCount} classes, this one {ClassCount}", nameof(other));
        }

        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Total += other.Total;
    }

    /// <summary>Pixels of class c in the ground truth (row sum).</summary>
    public long TruthPixels(int c)
    {
        long sum = 0;
        for (int p = 0; p < ClassCount; p++)
        {
            sum += this[c, p];
        }

        return sum;
    }

    /// <summary>Pixels predicted as class c (column sum).</summary>
    public long PredictedPixels(int c)
    {
        long sum = 0;
        for (int t = 0; t < ClassCount; t++)
        {
            sum += this[t, c];
        }

        return sum;
    }

    public ConfusionMatrix Clone()
    {
        var copy = new ConfusionMatrix(ClassCount);
        copy.Add(this);
        return copy;
    }
}

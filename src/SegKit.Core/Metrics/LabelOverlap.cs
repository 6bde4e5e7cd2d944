using SegKit.Core.Images;

namespace SegKit.Core.Metrics;

/// <summary>
/// How the objects of a ground-truth and a predicted label image overlap: object areas, and the pixel
/// intersection and IoU of every pair of objects that share at least one pixel. Computed in one pass over the
/// pixels and stored sparsely (Cellpose's <c>_label_overlap</c> builds the full (nTrue+1) x (nPred+1) matrix;
/// the pairs absent here are exactly its zero entries).
/// </summary>
/// <remarks>
/// Objects are identified by label value. A label with no pixels (a gap in the numbering) is not an object:
/// <see cref="TruthCount"/> and <see cref="PredictionCount"/> count the labels present. Cellpose counts
/// <c>max(label)</c> objects instead, so the two differ only for label images with gaps.
/// </remarks>
public sealed class LabelOverlap
{
    // Images smaller than this are counted on one thread: splitting costs more than it saves.
    private const int ParallelPixelThreshold = 1 << 18;

    private readonly long[] _truthArea;
    private readonly long[] _predictionArea;
    private readonly OverlapPair[] _pairs;
    private readonly int[] _truthPairStart;
    private OverlapComponents? _components;

    private LabelOverlap(int height, int width, long[] truthArea, long[] predictionArea, OverlapPair[] pairs, long foregroundUnion)
    {
        Height = height;
        Width = width;
        _truthArea = truthArea;
        _predictionArea = predictionArea;
        _pairs = pairs;
        ForegroundUnion = foregroundUnion;
        TruthLabels = PresentLabels(truthArea);
        PredictionLabels = PresentLabels(predictionArea);

        // Pairs are sorted by truth label: index them like a CSR matrix row pointer.
        _truthPairStart = new int[truthArea.Length + 1];
        foreach (OverlapPair pair in pairs)
        {
            _truthPairStart[pair.TruthLabel + 1]++;
        }

        for (int t = 1; t < _truthPairStart.Length; t++)
        {
            _truthPairStart[t] += _truthPairStart[t - 1];
        }

        double sum = 0;
        foreach (OverlapPair pair in pairs)
        {
            sum += pair.IoU;
        }

        IoUSum = sum;
    }

    public int Height { get; }

    public int Width { get; }

    /// <summary>Labels of the ground-truth objects present, ascending.</summary>
    public IReadOnlyList<int> TruthLabels { get; }

    /// <summary>Labels of the predicted objects present, ascending.</summary>
    public IReadOnlyList<int> PredictionLabels { get; }

    public int TruthCount => TruthLabels.Count;

    public int PredictionCount => PredictionLabels.Count;

    /// <summary>The largest ground-truth label: the row count of Cellpose's IoU matrix (without background).</summary>
    public int TruthMaxLabel => _truthArea.Length - 1;

    /// <summary>The largest predicted label: the column count of Cellpose's IoU matrix (without background).</summary>
    public int PredictionMaxLabel => _predictionArea.Length - 1;

    /// <summary>Every pair of objects with a non-zero intersection, ordered by truth label then prediction label.</summary>
    public IReadOnlyList<OverlapPair> Pairs => _pairs;

    /// <summary>Pixels that belong to an object in the truth, the prediction or both.</summary>
    public long ForegroundUnion { get; }

    /// <summary>The sum of every entry of the IoU matrix (Cellpose's <c>_intersection_over_union(...)[1:, 1:].sum()</c>).</summary>
    public double IoUSum { get; }

    internal OverlapComponents Components => _components ??= new OverlapComponents(this);

    /// <summary>
    /// Counts the overlaps of <paramref name="truth"/> and <paramref name="prediction"/>, which must have the same shape.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The two label images differ in height or width.</exception>
    public static LabelOverlap Compute(LabelImage truth, LabelImage prediction)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(prediction);
        if (truth.Height != prediction.Height || truth.Width != prediction.Width)
        {
            throw new ShapeMismatchException(
                $"ground truth is {truth.Height}x{truth.Width} but the prediction is {prediction.Height}x{prediction.Width}");
        }

        int[] t = truth.Buffer;
        int[] p = prediction.Buffer;
        OverlapCounter counter;
        int chunks = t.Length >= ParallelPixelThreshold ? Math.Min(Environment.ProcessorCount, t.Length / (ParallelPixelThreshold / 2)) : 1;
        if (chunks <= 1)
        {
            counter = new OverlapCounter(truth.MaxLabel + prediction.MaxLabel);
            CountRuns(t, p, truth.MaxLabel, prediction.MaxLabel, counter);
        }
        else
        {
            var partial = new OverlapCounter[chunks];
            int chunkLength = (t.Length + chunks - 1) / chunks;
            Parallel.For(0, chunks, c =>
            {
                int start = c * chunkLength;
                int length = Math.Min(chunkLength, t.Length - start);
                var local = new OverlapCounter((truth.MaxLabel + prediction.MaxLabel) / chunks);
                CountRuns(t.AsSpan(start, length), p.AsSpan(start, length), truth.MaxLabel, prediction.MaxLabel, local);
                partial[c] = local;
            });
            counter = partial[0];
            for (int c = 1; c < chunks; c++)
            {
                counter.AddAll(partial[c]);
            }
        }

        // The counter also holds (label, 0) and (0, label) pairs: object pixels over the other image's
        // background. Every object pixel is in exactly one pair, so areas and the union follow from it.
        var truthArea = new long[truth.MaxLabel + 1];
        var predictionArea = new long[prediction.MaxLabel + 1];
        long union = 0;
        var all = counter.ToSortedArray();
        int objectPairs = 0;
        foreach (var (tl, pl, pixels) in all)
        {
            truthArea[tl] += pixels;
            predictionArea[pl] += pixels;
            union += pixels;
            if (tl != 0 && pl != 0)
            {
                objectPairs++;
            }
        }

        truthArea[0] = 0;
        predictionArea[0] = 0;
        var pairs = new OverlapPair[objectPairs];
        int n = 0;
        foreach (var (tl, pl, pixels) in all)
        {
            if (tl != 0 && pl != 0)
            {
                pairs[n++] = new OverlapPair(tl, pl, pixels, truthArea[tl] + predictionArea[pl] - pixels);
            }
        }

        return new LabelOverlap(truth.Height, truth.Width, truthArea, predictionArea, pairs, union);
    }

    /// <summary>Pixel count of ground-truth object <paramref name="label"/> (0 when absent).</summary>
    public long TruthArea(int label) => label > 0 && label < _truthArea.Length ? _truthArea[label] : 0;

    /// <summary>Pixel count of predicted object <paramref name="label"/> (0 when absent).</summary>
    public long PredictionArea(int label) => label > 0 && label < _predictionArea.Length ? _predictionArea[label] : 0;

    /// <summary>The pairs of ground-truth object <paramref name="truthLabel"/>, ordered by prediction label.</summary>
    public ReadOnlySpan<OverlapPair> PairsOfTruth(int truthLabel)
    {
        if (truthLabel <= 0 || truthLabel >= _truthArea.Length)
        {
            return [];
        }

        int start = _truthPairStart[truthLabel];
        return _pairs.AsSpan(start, _truthPairStart[truthLabel + 1] - start);
    }

    /// <summary>Shared pixels of the two objects (0 when they do not overlap or a label is absent).</summary>
    public long Intersection(int truthLabel, int predictionLabel)
    {
        foreach (OverlapPair pair in PairsOfTruth(truthLabel))
        {
            if (pair.PredictionLabel == predictionLabel)
            {
                return pair.Intersection;
            }
        }

        return 0;
    }

    /// <summary>IoU of the two objects (0 when they do not overlap, as Cellpose's matrix has it).</summary>
    public double IntersectionOverUnion(int truthLabel, int predictionLabel)
    {
        foreach (OverlapPair pair in PairsOfTruth(truthLabel))
        {
            if (pair.PredictionLabel == predictionLabel)
            {
                return pair.IoU;
            }
        }

        return 0;
    }

    /// <summary>
    /// Adds each run of pixels with the same (truth, prediction) pair to the counter at once. Objects are
    /// contiguous along rows, so there are far fewer runs than pixels; runs are found with vectorised
    /// searches, each array's runs scanned once, and background-on-background runs skipped.
    /// </summary>
    private static void CountRuns(ReadOnlySpan<int> truth, ReadOnlySpan<int> prediction, int truthMax, int predictionMax, OverlapCounter counter)
    {
        int n = truth.Length;
        int i = 0;
        int truthRunEnd = 0;
        int predictionRunEnd = 0;
        while (i < n)
        {
            int a = truth[i];
            int b = prediction[i];
            if (i >= truthRunEnd)
            {
                int k = truth[(i + 1)..].IndexOfAnyExcept(a);
                truthRunEnd = k < 0 ? n : i + 1 + k;
            }

            if (i >= predictionRunEnd)
            {
                int k = prediction[(i + 1)..].IndexOfAnyExcept(b);
                predictionRunEnd = k < 0 ? n : i + 1 + k;
            }

            int end = Math.Min(truthRunEnd, predictionRunEnd);
            if ((uint)a > (uint)truthMax || (uint)b > (uint)predictionMax)
            {
                // Written through LabelImage.Data without Refresh(): MaxLabel no longer bounds the labels.
                throw new InvalidImageException(
                    $"label {((uint)a > (uint)truthMax ? a : b)} in the {((uint)a > (uint)truthMax ? "ground truth" : "prediction")} is negative or above its MaxLabel; call LabelImage.Refresh() after writing through Data");
            }

            if ((a | b) != 0)
            {
                counter.Add(a, b, end - i);
            }

            i = end;
        }
    }

    private static int[] PresentLabels(long[] area)
    {
        var labels = new List<int>();
        for (int label = 1; label < area.Length; label++)
        {
            if (area[label] > 0)
            {
                labels.Add(label);
            }
        }

        return [.. labels];
    }
}

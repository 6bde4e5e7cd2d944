using SegKit.Core.Images;

namespace SegKit.Core.Metrics;

/// <summary>Semantic segmentation metrics of class maps (one class index per pixel, 0 = background).</summary>
public static class SemanticMetrics
{
    /// <summary>
    /// Scores a predicted class map against the ground truth. Class maps are stored as <see cref="LabelImage"/>s
    /// whose values are class indices in [0, <paramref name="classCount"/>).
    /// </summary>
    /// <exception cref="ShapeMismatchException">The maps differ in shape.</exception>
    /// <exception cref="InvalidImageException">A value is not a class index below <paramref name="classCount"/>.</exception>
    public static SemanticEvaluation Evaluate(LabelImage truth, LabelImage prediction, int classCount)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(prediction);
        if (truth.Height != prediction.Height || truth.Width != prediction.Width)
        {
            throw new ShapeMismatchException(
                $"ground-truth class map is {truth.Height}x{truth.Width} but the prediction is {prediction.Height}x{prediction.Width}");
        }

        return Evaluate(truth.Data, prediction.Data, classCount);
    }

    /// <summary>Scores two class maps given as row-major pixel spans of equal length.</summary>
    public static SemanticEvaluation Evaluate(ReadOnlySpan<int> truth, ReadOnlySpan<int> prediction, int classCount)
    {
        var confusion = new ConfusionMatrix(classCount);
        confusion.Add(truth, prediction);
        return new SemanticEvaluation(confusion);
    }

    /// <summary>Foreground/background scores of two masks: every non-zero label counts as foreground (class 1).</summary>
    public static SemanticEvaluation EvaluateForeground(LabelImage truth, LabelImage prediction)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(prediction);
        if (truth.Height != prediction.Height || truth.Width != prediction.Width)
        {
            throw new ShapeMismatchException(
                $"ground truth is {truth.Height}x{truth.Width} but the prediction is {prediction.Height}x{prediction.Width}");
        }

        var confusion = new ConfusionMatrix(2);
        Span<long> counts = stackalloc long[4];
        ReadOnlySpan<int> t = truth.Data;
        ReadOnlySpan<int> p = prediction.Data;
        for (int i = 0; i < t.Length; i++)
        {
            counts[((t[i] != 0 ? 1 : 0) * 2) + (p[i] != 0 ? 1 : 0)]++;
        }

        confusion.AddCounts(counts);
        return new SemanticEvaluation(confusion);
    }
}

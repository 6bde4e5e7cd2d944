namespace SegKit.Core.Metrics;

/// <summary>
/// Semantic segmentation metrics from a confusion matrix: pixel accuracy, and Dice and IoU per class.
/// </summary>
/// <remarks>
/// A class absent from both the truth and the prediction has no Dice or IoU (0/0): its entry is NaN and the
/// means skip it. Pixel accuracy of an empty matrix is NaN as well.
/// </remarks>
public sealed class SemanticEvaluation
{
    public SemanticEvaluation(ConfusionMatrix confusion)
    {
        ArgumentNullException.ThrowIfNull(confusion);
        Confusion = confusion;
        int n = confusion.ClassCount;
        var dice = new double[n];
        var iou = new double[n];
        long correct = 0;
        for (int c = 0; c < n; c++)
        {
            long tp = confusion[c, c];
            long truth = confusion.TruthPixels(c);
            long predicted = confusion.PredictedPixels(c);
            correct += tp;
            long sum = truth + predicted;
            dice[c] = sum == 0 ? double.NaN : 2.0 * tp / sum;
            iou[c] = sum == 0 ? double.NaN : (double)tp / (sum - tp);
        }

        Dice = dice;
        IoU = iou;
        PixelAccuracy = confusion.Total == 0 ? double.NaN : (double)correct / confusion.Total;
    }

    public ConfusionMatrix Confusion { get; }

    public int ClassCount => Confusion.ClassCount;

    /// <summary>Correctly classified pixels / all pixels.</summary>
    public double PixelAccuracy { get; }

    /// <summary>Per class: 2 |T ∩ P| / (|T| + |P|).</summary>
    public IReadOnlyList<double> Dice { get; }

    /// <summary>Per class: |T ∩ P| / |T ∪ P|.</summary>
    public IReadOnlyList<double> IoU { get; }

    /// <summary>Mean Dice over the classes present in the truth or the prediction.</summary>
    public double MeanDice => MeanDefined(Dice);

    /// <summary>Mean IoU over the classes present in the truth or the prediction.</summary>
    public double MeanIoU => MeanDefined(IoU);

    /// <summary>Metrics of a data set: the images' confusion matrices summed.</summary>
    public static SemanticEvaluation Combine(IEnumerable<SemanticEvaluation> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        ConfusionMatrix? sum = null;
        foreach (SemanticEvaluation image in images)
        {
            ArgumentNullException.ThrowIfNull(image, nameof(images));
            if (sum is null)
            {
                sum = image.Confusion.Clone();
            }
            else
            {
                sum.Add(image.Confusion);
            }
        }

        return new SemanticEvaluation(sum ?? throw new ArgumentException("no evaluations to combine", nameof(images)));
    }

    private static double MeanDefined(IReadOnlyList<double> values)
    {
        double sum = 0;
        int n = 0;
        foreach (double v in values)
        {
            if (!double.IsNaN(v))
            {
                sum += v;
                n++;
            }
        }

        return n == 0 ? double.NaN : sum / n;
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Core.Metrics;
using SegKit.Imaging;
using SegKit.ML.Evaluation;

namespace SegKit.ML;

/// <summary>SegKit's evaluator on an ML.NET context (<c>mlContext.Segmentation()</c>).</summary>
public sealed class SegmentationCatalog
{
    internal SegmentationCatalog(MLContext context)
    {
        Context = context;
    }

    public MLContext Context { get; }

    /// <summary>
    /// Scores predicted masks against ground truth, row by row, with the metrics library <c>segkit eval</c> uses (the same
    /// numbers to the last digit). The label column holds either the ground-truth label image's path (text) or its labels
    /// (an int vector of the prediction's size); the predicted column is a mask column with <see cref="Columns.MaskHeight"/>
    /// and <see cref="Columns.MaskWidth"/> beside it.
    /// </summary>
    /// <exception cref="SegKitException">A row failed upstream (its <see cref="Columns.ImageError"/>), a label image cannot be read, or shapes differ; the message names the row.</exception>
    public SegmentationMetrics Evaluate(IDataView data, string labelColumnName = "Label", string predictedColumnName = Columns.Masks, IReadOnlyList<double>? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        thresholds ??= InstanceMetrics.DefaultThresholds;
        DataViewSchema schema = data.Schema;
        DataViewSchema.Column label = schema.GetColumnOrNull(labelColumnName) ?? throw new ArgumentException($"no column '{labelColumnName}' (the ground truth)", nameof(labelColumnName));
        DataViewSchema.Column predicted = schema.GetColumnOrNull(predictedColumnName) ?? throw new ArgumentException($"no column '{predictedColumnName}' (the predicted masks)", nameof(predictedColumnName));
        DataViewSchema.Column height = schema[Columns.MaskHeight];
        DataViewSchema.Column width = schema[Columns.MaskWidth];
        DataViewSchema.Column? error = schema.GetColumnOrNull(Columns.ImageError);
        bool labelIsPath = label.Type is TextDataViewType;
        if (!labelIsPath && label.Type is not VectorDataViewType { ItemType: NumberDataViewType })
        {
            throw new ArgumentException($"the label column '{labelColumnName}' must hold label-image paths (text) or labels (a numeric vector); it is {label.Type}", nameof(labelColumnName));
        }

        var active = new List<DataViewSchema.Column> { label, predicted, height, width };
        if (error is not null)
        {
            active.Add(error.Value);
        }

        var evaluations = new List<InstanceEvaluation>();
        var perImage = new List<ImageMetrics>();
        var pixels = new List<SemanticEvaluation>();
        using DataViewRowCursor cursor = data.GetRowCursor(active);
        var getPredicted = cursor.GetGetter<VBuffer<int>>(predicted);
        var getHeight = cursor.GetGetter<int>(height);
        var getWidth = cursor.GetGetter<int>(width);
        var getError = error is null ? null : cursor.GetGetter<ReadOnlyMemory<char>>(error.Value);
        var getPath = labelIsPath ? cursor.GetGetter<ReadOnlyMemory<char>>(label) : null;
        var getLabels = labelIsPath ? null : LabelVectorGetter(cursor, label);
        VBuffer<int> masks = default;
        ReadOnlyMemory<char> text = default;
        int h = 0, w = 0;
        while (cursor.MoveNext())
        {
            long row = cursor.Position;
            if (getError is not null)
            {
                getError(ref text);
                if (!text.IsEmpty)
                {
                    throw new SegKitException($"row {row} has no prediction to score: {text}");
                }
            }

            getPredicted(ref masks);
            getHeight(ref h);
            getWidth(ref w);
            if (masks.Length != h * w)
            {
                throw new SegKitException($"row {row}: the predicted masks hold {masks.Length} values, not {h}x{w}");
            }

            var prediction = new LabelImage(h, w, masks.DenseValues().ToArray());
            LabelImage truth;
            if (getPath is not null)
            {
                getPath(ref text);
                truth = LabelImageFile.Read(text.ToString());
            }
            else
            {
                truth = new LabelImage(h, w, getLabels!(h * w, row));
            }

            if (truth.Height != h || truth.Width != w)
            {
                throw new ShapeMismatchException($"row {row}: the prediction is {h}x{w} but its ground truth is {truth.Height}x{truth.Width}", getPath is null ? null : text.ToString());
            }

            InstanceEvaluation evaluation = InstanceMetrics.Evaluate(truth, prediction, thresholds);
            evaluations.Add(evaluation);
            perImage.Add(new ImageMetrics(row, evaluation.TruthCount, evaluation.PredictionCount, evaluation.Scores.Select(ThresholdMetrics.From).ToList(), evaluation.AggregatedJaccard));
            pixels.Add(SemanticMetrics.EvaluateForeground(truth, prediction));
        }

        if (evaluations.Count == 0)
        {
            throw new ArgumentException("the data view has no rows to evaluate", nameof(data));
        }

        DatasetEvaluation total = DatasetEvaluation.Combine(evaluations);
        SemanticEvaluation pixelTotal = SemanticEvaluation.Combine(pixels);
        return new SegmentationMetrics(
            total.Thresholds,
            total.ImageCount,
            total.TruthCount,
            total.PredictionCount,
            total.Scores.Select(ThresholdMetrics.From).ToList(),
            total.AggregatedJaccard,
            perImage,
            new PixelMetrics(pixelTotal.PixelAccuracy, pixelTotal.Dice[1], pixelTotal.IoU[1], pixelTotal.MeanDice, pixelTotal.MeanIoU));
    }

    /// <summary>Reads a numeric label vector as ints (label images stored as float or int vectors).</summary>
    private static Func<int, long, int[]> LabelVectorGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var item = ((VectorDataViewType)column.Type).ItemType;
        if (item == NumberDataViewType.Int32)
        {
            var get = cursor.GetGetter<VBuffer<int>>(column);
            VBuffer<int> v = default;
            return (n, row) =>
            {
                get(ref v);
                return Check(v.DenseValues().ToArray(), n, row);
            };
        }

        if (item == NumberDataViewType.Single)
        {
            var get = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> v = default;
            return (n, row) =>
            {
                get(ref v);
                return Check(v.DenseValues().Select(x => (int)x).ToArray(), n, row);
            };
        }

        throw new ArgumentException($"label vectors must be Int32 or Single, '{column.Name}' is {item}");

        static int[] Check(int[] labels, int n, long row) =>
            labels.Length == n ? labels : throw new ShapeMismatchException($"row {row}: the ground truth holds {labels.Length} labels but the prediction {n}");
    }
}

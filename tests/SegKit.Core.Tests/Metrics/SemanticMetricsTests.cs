using SegKit.Core.Images;
using SegKit.Core.Metrics;

namespace SegKit.Core.Tests.Metrics;

public class SemanticMetricsTests
{
    [Fact]
    public void Accuracy_dice_and_iou_per_class_from_the_confusion_matrix()
    {
        // Classes 0 (background), 1, 2; class 3 appears nowhere.
        LabelImage truth = Masks.Draw(
            "0011",
            "0012",
            "2222");
        LabelImage prediction = Masks.Draw(
            "0111",
            "0022",
            "2220");

        SemanticEvaluation r = SemanticMetrics.Evaluate(truth, prediction, 4);

        // Confusion rows (truth) x columns (prediction): 0 -> {0:3, 1:1}; 1 -> {1:2, 2:1}; 2 -> {2:4, 0:1}.
        Assert.Equal(3, r.Confusion[0, 0]);
        Assert.Equal(1, r.Confusion[0, 1]);
        Assert.Equal(1, r.Confusion[1, 2]);
        Assert.Equal(1, r.Confusion[2, 0]);
        Assert.Equal(12, r.Confusion.Total);
        Assert.Equal(9.0 / 12.0, r.PixelAccuracy, 15);
        Assert.Equal(2.0 * 3 / (4 + 4), r.Dice[0], 15);
        Assert.Equal(2.0 * 2 / (3 + 3), r.Dice[1], 15);
        Assert.Equal(2.0 * 4 / (5 + 5), r.Dice[2], 15);
        Assert.Equal(3.0 / 5.0, r.IoU[0], 15);
        Assert.Equal(2.0 / 4.0, r.IoU[1], 15);
        Assert.Equal(4.0 / 6.0, r.IoU[2], 15);
        Assert.True(double.IsNaN(r.Dice[3]));
        Assert.True(double.IsNaN(r.IoU[3]));
        Assert.Equal(((3.0 / 5.0) + 0.5 + (4.0 / 6.0)) / 3, r.MeanIoU, 15);
    }

    [Fact]
    public void Foreground_scores_treat_every_object_as_one_class()
    {
        LabelImage truth = Masks.Draw("11.22");
        LabelImage prediction = Masks.Draw("3.444");

        SemanticEvaluation r = SemanticMetrics.EvaluateForeground(truth, prediction);

        Assert.Equal(3.0 / 5.0, r.PixelAccuracy, 15);
        Assert.Equal(3.0 / 5.0, r.IoU[1], 15);
        Assert.Equal(6.0 / 8.0, r.Dice[1], 15);
    }

    [Fact]
    public void Data_set_sums_the_confusion_matrices()
    {
        SemanticEvaluation a = SemanticMetrics.Evaluate([0, 1, 1], [0, 1, 0], 2);
        SemanticEvaluation b = SemanticMetrics.Evaluate([1, 1], [1, 1], 2);

        SemanticEvaluation d = SemanticEvaluation.Combine([a, b]);

        Assert.Equal(4.0 / 5.0, d.PixelAccuracy, 15);
        Assert.Equal(3.0 / 4.0, d.IoU[1], 15);
        Assert.Equal(3, a.Confusion.Total);
    }

    [Fact]
    public void Bad_input_is_rejected_with_typed_errors()
    {
        Assert.Throws<ShapeMismatchException>(() => SemanticMetrics.Evaluate(new LabelImage(2, 3), new LabelImage(3, 2), 2));
        Assert.Throws<ShapeMismatchException>(() => SemanticMetrics.Evaluate([0, 1], [0], 2));
        var e = Assert.Throws<InvalidImageException>(() => SemanticMetrics.Evaluate([0, 1], [0, 2], 2));
        Assert.Contains("predicted class 2", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SemanticMetrics.Evaluate([0], [0], 0));
    }
}

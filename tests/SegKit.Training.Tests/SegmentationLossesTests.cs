using SegKit.Training.Losses;
using TorchSharp;

namespace SegKit.Training.Tests;

public class SegmentationLossesTests
{
    public SegmentationLossesTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Cross_entropy_and_its_weighted_form_match_hand_computation()
    {
        using var scope = torch.NewDisposeScope();
        // One image, 2 classes, 1x2 pixels: logits (0, ln 3) -> p(class 1) = 0.75; second pixel logits equal.
        var logits = torch.tensor(new float[] { 0f, 0f, MathF.Log(3f), 0f }, 1, 2, 1, 2);
        var classes = torch.tensor(new long[] { 1, 0 }, 1, 1, 2);
        double expected = (-Math.Log(0.75) - Math.Log(0.5)) / 2;
        Assert.Equal(expected, SegmentationLosses.CrossEntropy(logits, classes).item<float>(), 5);
        var weights = torch.tensor(new float[] { 3f, 1f }, 1, 1, 2);
        double weighted = ((3 * -Math.Log(0.75)) + -Math.Log(0.5)) / 2;
        Assert.Equal(weighted, SegmentationLosses.WeightedCrossEntropy(logits, classes, weights).item<float>(), 5);
        Assert.Throws<ArgumentException>(() => SegmentationLosses.WeightedCrossEntropy(logits, classes, torch.ones(1, 2, 1)));
    }

    [Fact]
    public void Dice_is_zero_for_a_confident_perfect_prediction_and_large_for_a_wrong_one()
    {
        using var scope = torch.NewDisposeScope();
        var classes = torch.tensor(new long[] { 0, 1, 1, 0 }, 1, 2, 2);
        var perfect = torch.nn.functional.one_hot(classes, 2).permute(0, 3, 1, 2).to_type(torch.float32) * 50;
        Assert.Equal(0.0, SegmentationLosses.Dice(perfect, classes, smooth: 0).item<float>(), 4);
        var wrong = torch.nn.functional.one_hot(1 - classes, 2).permute(0, 3, 1, 2).to_type(torch.float32) * 50;
        Assert.Equal(1.0, SegmentationLosses.Dice(wrong, classes, smooth: 0).item<float>(), 4);
    }

    [Fact]
    public void Cellpose_loss_is_half_the_flow_mse_plus_probability_bce()
    {
        using var scope = torch.NewDisposeScope();
        // One pixel: output flows (1, -1), unit target flows (0.2, 0.2) -> 5x = (1, 1); squared errors 0 and 4, mean 2, half 1.
        // Logit 0 against a cell -> BCE ln 2.
        var output = torch.tensor(new float[] { 1f, -1f, 0f }, 1, 3, 1, 1);
        var flows = torch.tensor(new float[] { 0.2f, 0.2f }, 1, 2, 1, 1);
        var cells = torch.ones(1, 1, 1);
        Assert.Equal(1 + Math.Log(2), SegmentationLosses.Cellpose(output, flows, cells).item<float>(), 5);
        Assert.Equal(Math.Log(2), SegmentationLosses.BinaryCrossEntropy(torch.zeros(2, 2), torch.ones(2, 2)).item<float>(), 5);
    }
}

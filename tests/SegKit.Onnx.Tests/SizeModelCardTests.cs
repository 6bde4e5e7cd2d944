namespace SegKit.Onnx.Tests;

public sealed class SizeModelCardTests
{
    private static readonly SizeModelParameters Size = new([0.1f, -0.25f, 1e-7f], [3.5f, -0.125f, 0.3333333f], -0.4054651081081644, 120);

    [Fact]
    public void The_size_model_round_trips_exactly_and_is_absent_by_default()
    {
        var plain = SampleModels.CellposeCard();
        Assert.DoesNotContain(plain.ToMetadata().Keys, k => k.StartsWith("segkit.size.", StringComparison.Ordinal));
        Assert.Null(ModelCard.FromMetadata(plain.ToMetadata())!.SizeModel);

        var sized = plain with { SizeModel = Size };
        var read = ModelCard.FromMetadata(sized.ToMetadata())!;
        Assert.Equal(sized, read);
        Assert.NotEqual(plain, read);
        Assert.Equal(Size.Coefficients, read.SizeModel!.Coefficients);
        Assert.Equal(Size.MeanLogRatio, read.SizeModel.MeanLogRatio);
        Assert.False(read.SizeModel.Refine);
        Assert.DoesNotContain("segkit.size.refine", sized.ToMetadata().Keys);

        var refined = plain with { SizeModel = Size with { Refine = true } };
        Assert.Equal("true", refined.ToMetadata()["segkit.size.refine"]);
        Assert.True(ModelCard.FromMetadata(refined.ToMetadata())!.SizeModel!.Refine);
        Assert.NotEqual(sized, refined);
    }

    [Fact]
    public void Writing_a_card_over_another_drops_the_keys_only_the_old_one_had_and_keeps_the_rest()
    {
        var refined = SampleModels.CellposeCard() with { SizeModel = Size with { Refine = true } };
        var metadata = refined.ToMetadata();
        metadata[OnnxWeightStorage.MetadataKey] = "float16";

        // Refitted without refinement: its flag must not survive from the card it replaces.
        var plain = refined with { SizeModel = Size };
        plain.WriteTo(metadata);

        Assert.DoesNotContain("segkit.size.refine", metadata.Keys);
        Assert.False(ModelCard.FromMetadata(metadata)!.SizeModel!.Refine);
        Assert.Equal("float16", metadata[OnnxWeightStorage.MetadataKey]);
        Assert.Equal(plain, ModelCard.FromMetadata(metadata));
    }

    [Fact]
    public void The_estimate_is_the_regression_on_the_centred_style()
    {
        // log(d / 30) = 3.5 * 0.2 + (-0.125) * (-0.25) + 0.3333333 * 0 - 0.405...
        double expected = 30 * Math.Exp((3.5 * 0.2f) + (-0.125 * -0.25) - 0.4054651081081644);
        Assert.Equal(expected, Size.Estimate([0.3f, -0.5f, 1e-7f], 30), 4);
        Assert.Throws<ArgumentException>(() => Size.Estimate([0.3f], 30));
    }

    [Theory]
    [InlineData("segkit.size.coefficients", "1,abc,3", "item 2 is 'abc'")]
    [InlineData("segkit.size.coefficients", "1,2", "has 3 values but 'segkit.size.coefficients' 2")]
    [InlineData("segkit.size.style_mean", "1,NaN,2", "not a finite number")]
    [InlineData("segkit.size.mean_log_ratio", "x", "not a number")]
    [InlineData("segkit.size.refine", "yes", "expected 'true' or 'false'")]
    public void A_damaged_size_model_names_the_key_and_the_file(string key, string value, string message)
    {
        var metadata = (SampleModels.CellposeCard() with { SizeModel = Size }).ToMetadata();
        metadata[key] = value;
        var e = Assert.Throws<OnnxFormatException>(() => ModelCard.FromMetadata(metadata, "nuclei.onnx"));
        Assert.Contains("nuclei.onnx", e.Message);
        Assert.Contains(message, e.Message);
    }
}

using SegKit.Core.Images;
using SegKit.Core.Transforms;

namespace SegKit.Core.Tests.Transforms;

public class ResamplingTests
{
    [Fact]
    public void Bilinear_uses_pixel_centres_like_opencv()
    {
        var image = new Image(1, 1, 2, [0f, 1f]);
        var up = Resampling.Bilinear(image, 1, 4);
        Assert.Equal(new[] { 0f, 0.25f, 0.75f, 1f }, up.Buffer);
    }

    [Fact]
    public void Bilinear_keeps_constants_and_same_size_is_a_copy()
    {
        var image = new Image(2, 7, 9);
        image.Data.Fill(3.5f);
        Assert.All(Resampling.Bilinear(image, 20, 3).Buffer, v => Assert.Equal(3.5f, v));
        var copy = Resampling.Bilinear(image, 7, 9);
        Assert.NotSame(image.Buffer, copy.Buffer);
        Assert.Equal(image.Buffer, copy.Buffer);
    }

    [Fact]
    public void Flow_vectors_scale_with_their_axis()
    {
        var flows = new Image(3, 4, 4);
        flows.Plane(0).Fill(1f);
        flows.Plane(1).Fill(-2f);
        flows.Plane(2).Fill(5f);
        var resized = Resampling.Flows(flows, 8, 2);
        Assert.All(resized.Plane(0).ToArray(), v => Assert.Equal(2f, v));
        Assert.All(resized.Plane(1).ToArray(), v => Assert.Equal(-1f, v));
        Assert.All(resized.Plane(2).ToArray(), v => Assert.Equal(5f, v));
    }

    [Fact]
    public void Nearest_keeps_labels_and_round_trips_an_integer_upscale()
    {
        var labels = new LabelImage(2, 3, [0, 1, 1, 2, 2, 0]);
        var up = Resampling.Nearest(labels, 4, 6);
        Assert.Equal(new[] { 0, 0, 1, 1, 1, 1 }, up.Row(1).ToArray());
        Assert.Equal(labels.Buffer, Resampling.Nearest(up, 2, 3).Buffer);
    }

    [Fact]
    public void Absurd_sizes_name_the_parameter()
    {
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => Resampling.Bilinear(new Image(1, 2, 2), 2, 0)).ParamName);
        Assert.Equal("objectDiameter", Assert.Throws<ArgumentOutOfRangeException>(() => Resampling.ScaleForDiameter(30, double.NaN)).ParamName);
        Assert.Equal(2.0, Resampling.ScaleForDiameter(30, 15));
    }
}

using SegKit.Core.Images;
using SegKit.Core.Tiling;

namespace SegKit.Inference.Tests;

public class UNetSegmenterTests
{
    /// <summary>Per-pixel class logits from the (normalised) intensity: class k peaks where the value is k / (K - 1).</summary>
    private sealed class IntensityClassifier(int classes) : ITileNetwork
    {
        public int OutputChannels => classes;

        public void Run(ReadOnlySpan<float> input, int count, int inputChannels, int tileSize, Span<float> output)
        {
            int plane = tileSize * tileSize;
            for (int b = 0; b < count; b++)
            {
                for (int i = 0; i < plane; i++)
                {
                    float v = input[(b * inputChannels * plane) + i];
                    for (int c = 0; c < classes; c++)
                    {
                        output[(((b * classes) + c) * plane) + i] = -20f * MathF.Abs(v - (c / (float)(classes - 1)));
                    }
                }
            }
        }
    }

    /// <summary>Two 20x20 squares touching along a 1-pixel seam (value 0.5), and a separate square, on a 0 background.</summary>
    private static Image Scene()
    {
        var image = new Image(1, 80, 100);
        for (int y = 10; y < 30; y++)
        {
            for (int x = 10; x < 51; x++)
            {
                image[0, y, x] = x == 30 ? 0.5f : 1f;
            }

            for (int x = 70; x < 90; x++)
            {
                image[0, y + 40, x] = 1f;
            }
        }

        return image;
    }

    [Fact]
    public void Connected_components_of_the_foreground_class_are_the_objects()
    {
        var segmenter = new UNetSegmenter(new IntensityClassifier(2), new UNetSegmenterOptions { TileSize = 64 });
        var result = segmenter.Segment(Scene());
        // The seam (0.5) ties between the classes and goes to the first (background), which splits the touching squares.
        Assert.Equal(3, result.Labels.MaxLabel);
        Assert.All(result.Objects, o => Assert.Equal(400, o.Area));
        Assert.All(result.Objects, o => Assert.Equal(2 * Math.Sqrt(400 / Math.PI), o.EquivalentDiameter, 9));
        Assert.All(result.Objects, o => Assert.Equal(1.0, o.MeanIntensity[0], 6));
    }

    [Fact]
    public void A_boundary_class_separates_touching_objects_and_the_watershed_reclaims_it()
    {
        var segmenter = new UNetSegmenter(new IntensityClassifier(3), new UNetSegmenterOptions
        {
            Classes = 3,
            ForegroundClass = 2,
            BoundaryClass = 1,
            Instances = InstanceMode.BoundaryWatershed,
            TileSize = 64,
        });
        var result = segmenter.Segment(Scene());
        Assert.Equal(3, result.Labels.MaxLabel);
        Assert.NotEqual(result.Labels[20, 20], result.Labels[20, 40]);
        Assert.Equal(20 * 41, result.Objects.Where(o => o.CentroidY < 40).Sum(o => o.Area)); // the seam went to an object
    }

    [Fact]
    public void Class_count_must_match_the_network()
    {
        Assert.Throws<ArgumentException>(() => new UNetSegmenter(new IntensityClassifier(2), new UNetSegmenterOptions { Classes = 3 }));
        Assert.Throws<ArgumentException>(() => new UNetSegmenter(new IntensityClassifier(2), new UNetSegmenterOptions { Instances = InstanceMode.BoundaryWatershed }));
    }
}

using CsCheck;
using SegKit.Core.Classical;
using SegKit.Core.Images;

namespace SegKit.Core.Tests.Classical;

public class BuildingBlockTests
{
    [Fact]
    public void Otsu_separates_a_bimodal_histogram()
    {
        var values = new float[1000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i < 700 ? 10 + (i % 5) : 200 + (i % 7);
        }

        float t = Otsu.Threshold(values)!.Value;
        Assert.All(values, v => Assert.Equal(v >= 200, v > t));
        Assert.Null(Otsu.Threshold(new float[] { 3, 3, 3 }));
        Assert.Null(Otsu.Threshold(new[] { float.NaN }));
    }

    [Fact]
    public void Connectivity_decides_whether_diagonal_pixels_join()
    {
        bool[] mask = [true, false, true, false, true, false, false, false, true];
        var four = ConnectedComponents.Label(mask, 3, 3, Connectivity.Four);
        Assert.Equal(new[] { 1, 0, 2, 0, 3, 0, 0, 0, 4 }, four.Buffer);
        var eight = ConnectedComponents.Label(mask, 3, 3, Connectivity.Eight);
        Assert.Equal(new[] { 1, 0, 1, 0, 1, 0, 0, 0, 1 }, eight.Buffer);
    }

    [Fact]
    public void Components_of_a_u_shape_merge_into_one_label_in_raster_order()
    {
        // Two arms meet only at the bottom: the first pass sees two labels, the second must merge them.
        bool[] mask =
        [
            true, false, true,
            true, false, true,
            true, true, true,
        ];
        var labels = ConnectedComponents.Label(mask, 3, 3, Connectivity.Four);
        Assert.Equal(1, labels.MaxLabel);
    }

    [Fact]
    public void Distance_transform_is_exact_against_brute_force()
    {
        Gen.Select(Gen.Int[1, 20], Gen.Int[1, 20], Gen.Int[0, 1000]).Sample((h, w, seed) =>
        {
            var random = new Random(seed);
            var mask = new bool[h * w];
            for (int i = 0; i < mask.Length; i++)
            {
                mask[i] = random.NextDouble() < 0.8;
            }

            mask[random.Next(mask.Length)] = false; // at least one background pixel
            float[] d = DistanceTransform.Euclidean(mask, h, w);
            for (int i = 0; i < mask.Length; i++)
            {
                double best = double.PositiveInfinity;
                for (int j = 0; j < mask.Length; j++)
                {
                    if (!mask[j])
                    {
                        int dy = (i / w) - (j / w);
                        int dx = (i % w) - (j % w);
                        best = Math.Min(best, Math.Sqrt((dy * dy) + (dx * dx)));
                    }
                }

                Assert.Equal(best, d[i], 4);
            }
        }, iter: 200);
    }

    [Fact]
    public void H_maxima_ignores_shallow_bumps_but_keeps_separate_peaks()
    {
        // A ridge profile: peaks 5 and 4.5 separated by a dip to 4 (depth 0.5), and a separate peak of 6 behind a dip to 1.
        float[] row = [0, 1, 5, 4, 4.5f, 1, 6, 1, 0];
        bool[] mask = [.. row.Select(v => v > 0)];
        Assert.Equal(2, RegionalMaxima.HMaxima(row, mask, 1, row.Length, 1f).MaxLabel);
        Assert.Equal(3, RegionalMaxima.HMaxima(row, mask, 1, row.Length, 0.25f).MaxLabel);
    }

    [Fact]
    public void Watershed_grows_markers_over_the_mask_only()
    {
        float[] elevation = [0, 1, 2, 1, 0, 5];
        var markers = new LabelImage(1, 6, [1, 0, 0, 0, 2, 0]);
        bool[] mask = [true, true, true, true, true, false];
        var result = Watershed.Flood(elevation, markers, mask);
        Assert.Equal(new[] { 1, 1, 1, 2, 2, 0 }, result.Buffer);
    }

    [Fact]
    public void Gaussian_smoothing_preserves_the_mean_of_a_constant_and_spreads_a_spike()
    {
        var plane = new float[225];
        plane[112] = 1f; // centre of 15x15, far enough from the mirrored border
        float[] smooth = GaussianSmoothing.Apply(plane, 15, 15, 1.0);
        Assert.Equal(1.0, smooth.Sum(), 3);
        Assert.True(smooth[112] < 0.2f && smooth[111] > 0.05f);
        var constant = Enumerable.Repeat(3f, 49).ToArray();
        Assert.All(GaussianSmoothing.Apply(constant, 7, 7, 2.0), v => Assert.Equal(3f, v, 4));
    }
}

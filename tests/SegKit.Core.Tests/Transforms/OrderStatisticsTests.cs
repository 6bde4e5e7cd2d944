using SegKit.Core.Transforms;

namespace SegKit.Core.Tests.Transforms;

public class OrderStatisticsTests
{
    public static TheoryData<string, int> Planes => new()
    {
        { "uniform", 10_000 },
        { "integers", 50_000 },
        { "mostly-zero", 20_000 },
        { "negatives", 3_001 },
        { "tiny", 1 },
        { "pair", 2 },
        { "huge-range", 7_777 },
    };

    [Theory]
    [MemberData(nameof(Planes))]
    public void Percentiles_match_the_quickselect_on_a_copy_bit_for_bit(string kind, int length)
    {
        var random = new Random(length);
        float[] plane = new float[length];
        for (int i = 0; i < length; i++)
        {
            plane[i] = kind switch
            {
                "integers" => random.Next(256),
                "mostly-zero" => random.NextDouble() < 0.9 ? 0f : random.NextSingle() * 50,
                "negatives" => (random.NextSingle() * 2000) - 1500,
                "huge-range" => (float)(Math.Pow(10, (random.NextDouble() * 60) - 30) * (random.Next(2) * 2 - 1)),
                _ => random.NextSingle() * 1000,
            };
        }

        if (length > 10)
        {
            plane[3] = float.NaN;
            plane[5] = float.PositiveInfinity;
            plane[8] = float.NegativeInfinity;
        }

        double[] percents = [0, 1, 2.5, 50, 99, 99.9, 100];
        var results = new float[percents.Length];
        Assert.True(OrderStatistics.TryPercentiles(plane, percents, results, out float min, out float max));

        float[] finite = plane.Where(float.IsFinite).ToArray();
        Assert.Equal(finite.Min(), min);
        Assert.Equal(finite.Max(), max);
        for (int p = 0; p < percents.Length; p++)
        {
            float expected = Normalization.Percentile((float[])finite.Clone(), percents[p]);
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(results[p]), $"{kind}: percentile {percents[p]}: {results[p]} instead of {expected}");
        }
    }

    [Fact]
    public void A_plane_without_finite_values_has_no_percentiles_and_bad_percents_are_refused()
    {
        var results = new float[1];
        Assert.False(OrderStatistics.TryPercentiles([float.NaN, float.PositiveInfinity], [50], results, out _, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderStatistics.TryPercentiles([1f, 2f], [101], results, out _, out _));
    }
}

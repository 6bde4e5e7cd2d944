using SegKit.Core.Flows;
using SegKit.Core.Images;

namespace SegKit.Benchmarks;

/// <summary>
/// Inputs of the flows and dynamics benchmarks, built like the Cellpose measurements: label images tiled
/// from real DSB2018 nuclei masks (81 / 625 / 2,595 objects at 512 / 1024 / 2048), and noisy network-style output
/// from them as the fixtures made it: dP = 5 * flows + N(0, 1), cell probability = 6 * (label > 0) - 3 + N(0, 1.5).
/// </summary>
internal static class FlowsBenchmarkData
{
    public static int ObjectsFor(int size) => size switch
    {
        512 => 81,
        1024 => 625,
        _ => 2595,
    };

    public static LabelImage Labels(int size) => MetricsBenchmarkData.TiledTruth(size, ObjectsFor(size));

    public static (FlowField Flows, float[] CellProbability) NoisyNetworkOutput(LabelImage labels, int seed = 7)
    {
        FlowField unit = MaskFlows.Compute(labels);
        var random = new Random(seed);
        float[] dP = new float[unit.Buffer.Length];
        for (int i = 0; i < dP.Length; i++)
        {
            dP[i] = (float)((5.0 * unit.Buffer[i]) + Normal(random));
        }

        var cellprob = new float[labels.PixelCount];
        for (int i = 0; i < cellprob.Length; i++)
        {
            cellprob[i] = (float)((labels.Buffer[i] > 0 ? 3.0 : -3.0) + (1.5 * Normal(random)));
        }

        return (new FlowField(labels.Height, labels.Width, dP), cellprob);
    }

    private static double Normal(Random random)
    {
        // Box-Muller; one of the pair is enough here.
        double u = 1.0 - random.NextDouble();
        double v = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}

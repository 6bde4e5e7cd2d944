using SegKit.Core.Dynamics;
using SegKit.Core.Flows;

namespace SegKit.Core.Tests.Dynamics;

public class FlowDynamicsTests
{
    /// <summary>The noisy fixture's step field (flows / 5 where the probability is above 0) and its active pixels.</summary>
    private static (FlowField Steps, int[] Pixels) NoisySteps(string name)
    {
        (FlowField flows, float[] cellprob) = DynamicsFixture.Noisy(name);
        var steps = new FlowField(flows.Height, flows.Width);
        int plane = flows.PlaneSize;
        int[] pixels = Enumerable.Range(0, plane).Where(i => cellprob[i] > 0).ToArray();
        foreach (int p in pixels)
        {
            steps.Buffer[p] = flows.Buffer[p] / 5f;
            steps.Buffer[plane + p] = flows.Buffer[plane + p] / 5f;
        }

        return (steps, pixels);
    }

    [Fact]
    public void Cycle_shortcut_and_vector_path_equal_plain_stepping()
    {
        (FlowField steps, int[] pixels) = NoisySteps("stardist_256");
        var finalY = new float[pixels.Length];
        var finalX = new float[pixels.Length];
        FlowDynamics.Follow(steps, pixels, 200, finalY, finalX);

        int w = steps.Width;
        int plane = steps.PlaneSize;
        float[] f = steps.Buffer;
        for (int i = 0; i < pixels.Length; i += 7)
        {
            // Cellpose's loop, written out plainly: float32, 200 steps, no shortcut.
            float py = pixels[i] / w;
            float px = pixels[i] % w;
            for (int t = 0; t < 200; t++)
            {
                int yf = (int)py;
                int xf = (int)px;
                int yf1 = Math.Min(steps.Height - 1, yf + 1);
                int xf1 = Math.Min(w - 1, xf + 1);
                float y = py - yf;
                float x = px - xf;
                float sy = (f[(yf * w) + xf] * (1 - y) * (1 - x)) + (f[(yf * w) + xf1] * (1 - y) * x) + (f[(yf1 * w) + xf] * y * (1 - x)) + (f[(yf1 * w) + xf1] * y * x);
                float sx = (f[plane + (yf * w) + xf] * (1 - y) * (1 - x)) + (f[plane + (yf * w) + xf1] * (1 - y) * x) + (f[plane + (yf1 * w) + xf] * y * (1 - x)) + (f[plane + (yf1 * w) + xf1] * y * x);
                py = Math.Min(steps.Height - 1, Math.Max(0, py + sy));
                px = Math.Min(w - 1, Math.Max(0, px + sx));
            }

            Assert.Equal(py, finalY[i]);
            Assert.Equal(px, finalX[i]);
        }
    }

    [Fact]
    public void Scalar_and_vector_paths_agree_bit_for_bit()
    {
        (FlowField steps, int[] pixels) = NoisySteps("dsb_912a679e");
        float[] field = FlowDynamics.Interleaved(steps);
        var scalarY = new float[pixels.Length];
        var scalarX = new float[pixels.Length];
        FlowDynamics.Track(field, steps.Height, steps.Width, pixels, 200, scalarY, scalarX);
        var vectorY = new float[pixels.Length];
        var vectorX = new float[pixels.Length];
        if (VectorTrajectories.IsSupported)
        {
            VectorTrajectories.Track(field, steps.Height, steps.Width, pixels, 200, vectorY, vectorX);
        }
        else
        {
            // Without AVX2 the scalar path is the one in use; check it against the public entry point instead.
            FlowDynamics.Follow(steps, pixels, 200, vectorY, vectorX);
        }

        Assert.Equal(scalarY, vectorY);
        Assert.Equal(scalarX, vectorX);
    }

    [Fact]
    public void Positions_stay_inside_the_image()
    {
        var steps = new FlowField(10, 12);
        steps.DY.Fill(3f);
        steps.DX.Fill(-2.5f);
        int[] pixels = Enumerable.Range(0, 120).ToArray();
        var y = new float[120];
        var x = new float[120];

        FlowDynamics.Follow(steps, pixels, 50, y, x);

        Assert.All(y, v => Assert.Equal(9f, v));
        Assert.All(x, v => Assert.Equal(0f, v));
    }
}

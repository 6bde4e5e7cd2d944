using SegKit.Core.Dynamics;
using SegKit.Core.Flows;
using SegKit.Core.Images;

namespace SegKit.Core.Tests.Dynamics;

/// <summary>
/// The dynamics' one image-sized scratch plane: the step field, zeroed where it was written, then the convergence
/// histogram, zeroed again. It is cached between calls, so any value left behind would change the next image's masks.
/// </summary>
public class ConvergenceScratchTests
{
    [Theory]
    [InlineData("dsb_912a679e")]
    [InlineData("stardist_256")]
    public void The_step_field_then_histogram_is_left_all_zeros_and_gives_the_masks_of_a_fresh_plane(string name)
    {
        (FlowField flows, float[] cellprob) = DynamicsFixture.Noisy(name);
        int n = flows.PlaneSize;
        int[] pixels = Enumerable.Range(0, n).Where(i => cellprob[i] > 0 && float.IsFinite(flows.DY[i]) && float.IsFinite(flows.DX[i])).ToArray();

        float[] steps = FlowDynamics.InterleavedSteps(flows, pixels);
        Assert.Contains(steps, v => v != 0);
        (float[] y, float[] x) = (new float[pixels.Length], new float[pixels.Length]);
        FlowDynamics.Follow(steps, flows.Height, flows.Width, pixels, 200, y, x);
        (float[] y2, float[] x2) = ((float[])y.Clone(), (float[])x.Clone());
        FlowDynamics.ClearSteps(steps, flows.Width, pixels);
        Assert.All(steps, v => Assert.Equal(0f, v));

        int[] reused = ConvergenceMasks.Build(flows.Height, flows.Width, pixels, y, x, 0.4, steps, out int count);
        Assert.All(steps, v => Assert.Equal(0, BitConverter.SingleToInt32Bits(v)));

        int[] fresh = ConvergenceMasks.Build(flows.Height, flows.Width, pixels, y2, x2, 0.4, new float[n], out int freshCount);
        Assert.True(count > 5, $"{count} masks");
        Assert.Equal(freshCount, count);
        Assert.Equal(fresh, reused);
        Assert.Throws<ArgumentException>(() => ConvergenceMasks.Build(flows.Height, flows.Width, pixels, y2, x2, 0.4, new float[n - 1], out _));
    }
}

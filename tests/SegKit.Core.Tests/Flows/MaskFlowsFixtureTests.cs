using SegKit.Core.Flows;
using SegKit.Core.Images;
using SegKit.Core.IO;

namespace SegKit.Core.Tests.Flows;

public class MaskFlowsFixtureTests
{
    public static TheoryData<string> Cases() => new(TestData.FixtureCases);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Flows_match_cellpose_bit_for_bit(string name)
    {
        LabelImage labels = TestData.Labels($"{name}.labels.npy");
        NpyArray expected = TestData.Npy($"{name}.flows.npy");
        Assert.Equal([2, labels.Height, labels.Width], expected.Shape);
        float[] reference = expected.ToSingle();

        FlowField flows = MaskFlows.Compute(labels);

        int plane = flows.PlaneSize;
        int foreground = 0;
        int identical = 0;
        int within = 0;
        double maxDiff = 0;
        for (int i = 0; i < plane; i++)
        {
            if (labels.Buffer[i] == 0)
            {
                Assert.Equal(0f, flows.Buffer[i]);
                Assert.Equal(0f, flows.Buffer[plane + i]);
                continue;
            }

            foreground++;
            double d = Math.Max(Math.Abs(flows.Buffer[i] - reference[i]), Math.Abs(flows.Buffer[plane + i] - reference[plane + i]));
            maxDiff = Math.Max(maxDiff, d);
            if (d <= 1e-3)
            {
                within++;
            }

            if (flows.Buffer[i] == reference[i] && flows.Buffer[plane + i] == reference[plane + i])
            {
                identical++;
            }
        }

        Assert.True(foreground > 0);
        Assert.True(identical == foreground, $"{name}: {identical}/{foreground} foreground pixels bit-identical, {within} within 1e-3, max |diff| {maxDiff}");
    }
}

using SegKit.Core.Flows;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Core.Metrics;

namespace SegKit.Core.Tests.Dynamics;

/// <summary>Inputs of the Cellpose fixture cases for the dynamics, as Cellpose's compute_masks received them.</summary>
internal static class DynamicsFixture
{
    /// <summary>Perfect network output: 5x the stored flows, logits +6 inside objects and -6 outside.</summary>
    public static (FlowField Flows, float[] CellProbability) Clean(string name)
    {
        LabelImage labels = TestData.Labels($"{name}.labels.npy");
        NpyArray flows = TestData.Npy($"{name}.flows.npy");
        float[] dP = flows.ToSingle().Select(v => 5f * v).ToArray();
        float[] cellprob = labels.Buffer.Select(v => v > 0 ? 6f : -6f).ToArray();
        return (FlowField.FromArray(dP, flows.Shape), cellprob);
    }

    /// <summary>The stored noisy network output.</summary>
    public static (FlowField Flows, float[] CellProbability) Noisy(string name)
    {
        NpyArray dP = TestData.Npy($"{name}.noisy_dP.npy");
        float[] cellprob = (float[])TestData.Npy($"{name}.noisy_cellprob.npy").ToSingle().Clone();
        return (FlowField.FromArray((float[])dP.ToSingle().Clone(), dP.Shape), cellprob);
    }

    public static ThresholdScores At50(LabelImage truth, LabelImage prediction) =>
        InstanceMetrics.Evaluate(truth, prediction, [0.5]).At(0.5);
}

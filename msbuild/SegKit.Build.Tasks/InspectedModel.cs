using SegKit.Onnx;

namespace SegKit.Build.Tasks;

/// <summary>What the code generator needs from a checked model: its card and the names of the tensors it runs.</summary>
internal sealed class InspectedModel(ModelCard card, string inputName, string outputName, int outputChannels)
{
    public ModelCard Card { get; } = card;

    public string InputName { get; } = inputName;

    public string OutputName { get; } = outputName;

    public int OutputChannels { get; } = outputChannels;
}

using SegKit.Core.Tiling;

namespace SegKit.Core.Tests.Tiling;

/// <summary>A "network" that returns its input: blending must then reconstruct the image exactly.</summary>
internal sealed class IdentityNetwork(int channels) : ITileNetwork
{
    public int OutputChannels => channels;

    public int Calls { get; private set; }

    public void Run(ReadOnlySpan<float> input, int count, int inputChannels, int tileSize, Span<float> output)
    {
        Assert.Equal(channels, inputChannels);
        Calls++;
        input.CopyTo(output);
    }
}

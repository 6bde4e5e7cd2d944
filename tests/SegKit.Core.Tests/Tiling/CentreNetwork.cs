using SegKit.Core.Tiling;

namespace SegKit.Core.Tests.Tiling;

/// <summary>A valid-padding stand-in: returns each tile's centre (its halo trimmed) and records the tiles' corners.</summary>
internal sealed class CentreNetwork(int halo) : ITileNetwork
{
    public int OutputChannels => 1;

    public int Tiles { get; private set; }

    public void Run(ReadOnlySpan<float> input, int count, int inputChannels, int tileSize, Span<float> output)
    {
        int size = tileSize - (2 * halo);
        Assert.Equal(count * size * size, output.Length);
        Tiles += count;
        for (int b = 0; b < count; b++)
        {
            for (int y = 0; y < size; y++)
            {
                input.Slice((b * tileSize * tileSize) + ((y + halo) * tileSize) + halo, size).CopyTo(output.Slice((b * size * size) + (y * size), size));
            }
        }
    }
}

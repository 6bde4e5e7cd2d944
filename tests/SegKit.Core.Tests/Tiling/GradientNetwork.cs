using SegKit.Core.Tiling;

namespace SegKit.Core.Tests.Tiling;

/// <summary>
/// Outputs [d/dy, d/dx, value] of channel 0 (central differences, one-sided at the tile edge): a stand-in for a flow
/// network whose outputs change sign under flips, to check that test-time augmentation corrects them.
/// </summary>
internal sealed class GradientNetwork : ITileNetwork
{
    public int OutputChannels => 3;

    public void Run(ReadOnlySpan<float> input, int count, int inputChannels, int tileSize, Span<float> output)
    {
        int t = tileSize;
        int plane = t * t;
        for (int b = 0; b < count; b++)
        {
            ReadOnlySpan<float> img = input.Slice(b * inputChannels * plane, plane);
            Span<float> dst = output.Slice(b * 3 * plane, 3 * plane);
            for (int y = 0; y < t; y++)
            {
                for (int x = 0; x < t; x++)
                {
                    int ym = Math.Max(y - 1, 0), yp = Math.Min(y + 1, t - 1);
                    int xm = Math.Max(x - 1, 0), xp = Math.Min(x + 1, t - 1);
                    dst[(y * t) + x] = img[(yp * t) + x] - img[(ym * t) + x];
                    dst[plane + (y * t) + x] = img[(y * t) + xp] - img[(y * t) + xm];
                    dst[(2 * plane) + (y * t) + x] = img[(y * t) + x];
                }
            }
        }
    }
}

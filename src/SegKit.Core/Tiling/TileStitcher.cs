using SegKit.Core.Images;

namespace SegKit.Core.Tiling;

/// <summary>
/// Blends the outputs of overlapping tiles into one image with the taper window (a weighted average per pixel),
/// then crops the mirror padding away. Sums are kept in double, so tiles that agree reproduce their value exactly.
/// </summary>
public sealed class TileStitcher
{
    private readonly TilePlan _plan;
    private readonly float[] _window;
    private readonly double[] _sum;
    private readonly double[] _weight;

    public TileStitcher(TilePlan plan, int channels, double sigma = TaperWindow.DefaultSigma)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (channels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "at least one output channel");
        }

        _plan = plan;
        Channels = channels;
        _window = TaperWindow.Create(plan.TileSize, sigma);
        _sum = new double[(long)channels * plan.PaddedHeight * plan.PaddedWidth];
        _weight = new double[plan.PaddedHeight * plan.PaddedWidth];
    }

    public int Channels { get; }

    /// <summary>Adds one tile's output (channels x tile x tile, C order).</summary>
    public void Add(Tile tile, ReadOnlySpan<float> output)
    {
        int t = _plan.TileSize;
        if (output.Length != Channels * t * t)
        {
            throw new ShapeMismatchException($"a tile output must hold {Channels}x{t}x{t} values, got {output.Length}");
        }

        int w = _plan.PaddedWidth;
        int plane = _plan.PaddedHeight * w;
        for (int y = 0; y < t; y++)
        {
            int row = ((tile.Top + y) * w) + tile.Left;
            ReadOnlySpan<float> weights = _window.AsSpan(y * t, t);
            Span<double> weightRow = _weight.AsSpan(row, t);
            for (int x = 0; x < t; x++)
            {
                weightRow[x] += weights[x];
            }

            for (int c = 0; c < Channels; c++)
            {
                ReadOnlySpan<float> src = output.Slice((c * t * t) + (y * t), t);
                Span<double> dst = _sum.AsSpan((c * plane) + row, t);
                for (int x = 0; x < t; x++)
                {
                    dst[x] += (double)src[x] * weights[x];
                }
            }
        }
    }

    /// <summary>The blended image, cropped to the original size. Pixels no tile covered are NaN (a plan never leaves any).</summary>
    public Image Result()
    {
        var result = new Image(Channels, _plan.Height, _plan.Width);
        int w = _plan.PaddedWidth;
        int plane = _plan.PaddedHeight * w;
        Parallel.For(0, Channels * _plan.Height, cy =>
        {
            int c = cy / _plan.Height;
            int y = cy % _plan.Height;
            int row = ((y + _plan.PadTop) * w) + _plan.PadLeft;
            Span<float> dst = result.Row(c, y);
            ReadOnlySpan<double> sum = _sum.AsSpan((c * plane) + row, _plan.Width);
            ReadOnlySpan<double> weight = _weight.AsSpan(row, _plan.Width);
            for (int x = 0; x < dst.Length; x++)
            {
                dst[x] = weight[x] > 0 ? (float)(sum[x] / weight[x]) : float.NaN;
            }
        });
        return result;
    }
}

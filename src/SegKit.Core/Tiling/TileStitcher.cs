using SegKit.Core.Images;

namespace SegKit.Core.Tiling;

/// <summary>
/// Blends the outputs of overlapping tiles into one image with the taper window (a weighted average per pixel),
/// then crops the mirror padding away. Sums are kept in double, so tiles that agree reproduce their value exactly.
/// </summary>
/// <remarks>
/// Tiles are added in the plan's order (rows of tiles from the top), so once a tile starting at row r arrives every
/// row above r is complete: it is divided out into the result at once, and the sums need only one tile's height of
/// rows (a ring of rows, 15 MB for a 2048-pixel-wide image with three channels, instead of 32 bytes per pixel of
/// the image).
/// </remarks>
public sealed class TileStitcher
{
    private readonly TilePlan _plan;
    private readonly float[] _window;
    private readonly double[] _sum;
    private readonly double[] _weight;
    private readonly Image _result;

    /// <summary>Rows of the padded frame already divided out into the result: [0, _done).</summary>
    private int _done;

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
        _sum = new double[(long)channels * plan.TileSize * plan.PaddedWidth];
        _weight = new double[plan.TileSize * plan.PaddedWidth];
        _result = new Image(channels, plan.Height, plan.Width);
    }

    public int Channels { get; }

    /// <summary>Adds one tile's output (channels x tile x tile, C order). Tiles come in the plan's order, or at least with non-decreasing tops.</summary>
    /// <exception cref="InvalidOperationException">The tile starts above rows already finished (tiles out of order, or after <see cref="Result"/>).</exception>
    public void Add(Tile tile, ReadOnlySpan<float> output)
    {
        int t = _plan.TileSize;
        if (output.Length != Channels * t * t)
        {
            throw new ShapeMismatchException($"a tile output must hold {Channels}x{t}x{t} values, got {output.Length}");
        }

        if (tile.Top < _done)
        {
            throw new InvalidOperationException($"tile {tile.Index} starts at row {tile.Top}, above the {_done} rows already blended: add tiles in the plan's order, before Result()");
        }

        Finish(tile.Top);
        int w = _plan.PaddedWidth;
        int plane = t * w;
        for (int y = 0; y < t; y++)
        {
            int row = (((tile.Top + y) % t) * w) + tile.Left;
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
        Finish(_plan.PaddedHeight);
        return _result;
    }

    /// <summary>Divides out the padded rows [_done, <paramref name="end"/>) into the result and clears their ring rows for reuse.</summary>
    private void Finish(int end)
    {
        int t = _plan.TileSize;
        int w = _plan.PaddedWidth;
        int plane = t * w;
        int first = Math.Max(_done, _plan.PadTop);
        int last = Math.Min(end, _plan.PadTop + _plan.Height);
        if (last > first)
        {
            Parallel.For(0, Channels * (last - first), cy =>
            {
                int c = cy / (last - first);
                int paddedRow = first + (cy % (last - first));
                int row = ((paddedRow % t) * w) + _plan.PadLeft;
                Span<float> dst = _result.Row(c, paddedRow - _plan.PadTop);
                if (paddedRow >= _done + t)
                {
                    // Beyond the last tile added: no tile covered it (and its ring row belongs to another row).
                    dst.Fill(float.NaN);
                    return;
                }

                ReadOnlySpan<double> sum = _sum.AsSpan((c * plane) + row, _plan.Width);
                ReadOnlySpan<double> weight = _weight.AsSpan(row, _plan.Width);
                for (int x = 0; x < dst.Length; x++)
                {
                    dst[x] = weight[x] > 0 ? (float)(sum[x] / weight[x]) : float.NaN;
                }
            });
        }

        for (int paddedRow = _done; paddedRow < Math.Min(end, _done + t); paddedRow++)
        {
            int row = (paddedRow % t) * w;
            _weight.AsSpan(row, w).Clear();
            for (int c = 0; c < Channels; c++)
            {
                _sum.AsSpan((c * plane) + row, w).Clear();
            }
        }

        _done = Math.Max(_done, end);
    }
}

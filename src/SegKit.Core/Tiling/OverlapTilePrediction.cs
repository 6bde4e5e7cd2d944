using SegKit.Core.Images;

namespace SegKit.Core.Tiling;

/// <summary>
/// The U-Net paper's overlap-tile scheme for valid-padding networks: output tiles on a grid whose step is the output
/// side rounded down to the down-sampling factor; each tile's input is its output window grown by the halo, read from
/// the image mirrored without bound. Every output pixel comes from exactly one tile, so nothing is blended. One place
/// for every caller (UNetSegmenter, SegKit.ML's pipelines).
/// </summary>
public static class OverlapTilePrediction
{
    /// <summary>The network's outputs [channels, H, W] for a single-channel image.</summary>
    public static Image Run(Image image, ITileNetwork network, OverlapTileOptions options)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Problem() is string problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        if (image.Channels != 1)
        {
            throw new ArgumentException($"the overlap-tile scheme takes a single-channel image, not {image.Channels} channels", nameof(image));
        }

        int h = image.Height;
        int w = image.Width;
        int tile = options.TileSize;
        int halo = options.Halo;
        int output = tile - (2 * halo);
        int step = output - (output % options.Factor);
        int rows = (h + step - 1) / step;
        int columns = (w + step - 1) / step;
        int channels = network.OutputChannels;
        var result = new Image(channels, h, w);
        int batch = Math.Max(1, options.BatchSize);
        var input = new float[batch * tile * tile];
        var outputs = new float[batch * channels * output * output];
        var sourceColumns = new int[tile];
        ReadOnlySpan<float> source = image.Buffer;
        for (int first = 0; first < rows * columns; first += batch)
        {
            int count = Math.Min(batch, (rows * columns) - first);
            for (int b = 0; b < count; b++)
            {
                int top = ((first + b) / columns * step) - halo;
                int left = ((first + b) % columns * step) - halo;
                for (int x = 0; x < tile; x++)
                {
                    sourceColumns[x] = TilePlan.Mirror(left + x, w);
                }

                for (int y = 0; y < tile; y++)
                {
                    ReadOnlySpan<float> row = source.Slice(TilePlan.Mirror(top + y, h) * w, w);
                    Span<float> target = input.AsSpan(((b * tile) + y) * tile, tile);
                    for (int x = 0; x < tile; x++)
                    {
                        target[x] = row[sourceColumns[x]];
                    }
                }
            }

            network.Run(input.AsSpan(0, count * tile * tile), count, 1, tile, outputs.AsSpan(0, count * channels * output * output));
            for (int b = 0; b < count; b++)
            {
                int top = (first + b) / columns * step;
                int left = (first + b) % columns * step;
                int height = Math.Min(step, h - top);
                int width = Math.Min(step, w - left);
                for (int c = 0; c < channels; c++)
                {
                    for (int y = 0; y < height; y++)
                    {
                        outputs.AsSpan((((b * channels) + c) * output * output) + (y * output), width).CopyTo(result.Row(c, top + y).Slice(left, width));
                    }
                }
            }
        }

        return result;
    }
}

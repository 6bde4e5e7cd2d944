using SegKit.Core.Images;

namespace SegKit.Core.Tiling;

/// <summary>Runs a network over an image of any size: plan tiles, run them in batches, blend the outputs.</summary>
public static class TiledPrediction
{
    public static Image Run(Image image, ITileNetwork network, TilingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(network);
        options ??= new TilingOptions();
        if (options.BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be at least 1");
        }

        int outChannels = network.OutputChannels;
        // Flow channels only matter when flips have to correct their signs.
        if (options.FlipAugmentation && options.Flows is { } f && (f.Y >= outChannels || f.X >= outChannels || f.Y < 0 || f.X < 0 || f.X == f.Y))
        {
            throw new ArgumentException($"flow channels ({f.Y}, {f.X}) do not fit a network with {outChannels} output channels", nameof(options));
        }

        var plan = TilePlan.Create(image.Height, image.Width, options.TileSize, options.Overlap, options.Padding);
        var stitcher = new TileStitcher(plan, outChannels);
        int t = plan.TileSize;
        int inSize = image.Channels * t * t;
        int outSize = outChannels * t * t;
        int flips = options.FlipAugmentation ? 4 : 1;
        int batch = Math.Min(options.BatchSize, plan.Tiles.Count * flips);
        var input = new float[batch * inSize];
        var output = new float[batch * outSize];
        var pending = new List<(Tile Tile, Flip Flip)>(batch);
        var averaged = new float[outSize];
        var tileBuffer = new float[inSize];
        var counts = new Dictionary<int, int>();
        var sums = new Dictionary<int, float[]>();

        void Flush()
        {
            if (pending.Count == 0)
            {
                return;
            }

            network.Run(input.AsSpan(0, pending.Count * inSize), pending.Count, image.Channels, t, output.AsSpan(0, pending.Count * outSize));
            for (int i = 0; i < pending.Count; i++)
            {
                var (tile, flip) = pending[i];
                Span<float> result = output.AsSpan(i * outSize, outSize);
                if (flips == 1)
                {
                    stitcher.Add(tile, result);
                    continue;
                }

                Unflip(result, outChannels, t, flip, options.Flows);
                if (!sums.TryGetValue(tile.Index, out float[]? sum))
                {
                    sum = sums[tile.Index] = new float[outSize];
                }

                for (int k = 0; k < outSize; k++)
                {
                    sum[k] += result[k];
                }

                if ((counts[tile.Index] = counts.GetValueOrDefault(tile.Index) + 1) == flips)
                {
                    for (int k = 0; k < outSize; k++)
                    {
                        averaged[k] = sum[k] / flips;
                    }

                    stitcher.Add(tile, averaged);
                    sums.Remove(tile.Index);
                }
            }

            pending.Clear();
        }

        foreach (Tile tile in plan.Tiles)
        {
            plan.Extract(image, tile, tileBuffer);
            for (int k = 0; k < flips; k++)
            {
                var flip = (Flip)k;
                Span<float> slot = input.AsSpan(pending.Count * inSize, inSize);
                tileBuffer.CopyTo(slot);
                FlipInPlace(slot, image.Channels, t, flip);
                pending.Add((tile, flip));
                if (pending.Count == batch)
                {
                    Flush();
                }
            }
        }

        Flush();
        return stitcher.Result();
    }

    private static void Unflip(Span<float> tile, int channels, int t, Flip flip, FlowChannels? flows)
    {
        FlipInPlace(tile, channels, t, flip);
        if (flows is null)
        {
            return;
        }

        // A flow that pointed down in the flipped tile points up in the original.
        if (flip is Flip.Vertical or Flip.Both)
        {
            Negate(tile.Slice(flows.Y * t * t, t * t));
        }

        if (flip is Flip.Horizontal or Flip.Both)
        {
            Negate(tile.Slice(flows.X * t * t, t * t));
        }
    }

    private static void Negate(Span<float> plane)
    {
        for (int i = 0; i < plane.Length; i++)
        {
            plane[i] = -plane[i];
        }
    }

    private static void FlipInPlace(Span<float> tile, int channels, int t, Flip flip)
    {
        Span<float> swap = t <= 1024 ? stackalloc float[t] : new float[t];
        for (int c = 0; c < channels; c++)
        {
            Span<float> plane = tile.Slice(c * t * t, t * t);
            if (flip is Flip.Horizontal or Flip.Both)
            {
                for (int y = 0; y < t; y++)
                {
                    plane.Slice(y * t, t).Reverse();
                }
            }

            if (flip is Flip.Vertical or Flip.Both)
            {
                for (int y = 0; y < t / 2; y++)
                {
                    Span<float> top = plane.Slice(y * t, t);
                    Span<float> bottom = plane.Slice((t - 1 - y) * t, t);
                    top.CopyTo(swap);
                    bottom.CopyTo(top);
                    swap.CopyTo(bottom);
                }
            }
        }
    }

    private enum Flip
    {
        None = 0,
        Horizontal = 1,
        Vertical = 2,
        Both = 3,
    }
}

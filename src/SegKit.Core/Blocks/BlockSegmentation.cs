using SegKit.Core.Images;

namespace SegKit.Core.Blocks;

/// <summary>
/// Segments an image of any size block by block (<see cref="BlockPlan"/>) and stitches the result: each block is read
/// with its overlap, segmented alone, and keeps the objects whose centres fall in its core, numbered on from the blocks
/// before it; a pixel claimed by two kept objects stays with the first. The label image leaves as bands of final rows
/// (<see cref="ILabelBandSink"/>) as soon as no later block can touch them, so memory is bounded by the block size and
/// the image's width, never by its height. A block that cannot be read or segmented is reported and left empty; the
/// others go on.
/// </summary>
public static class BlockSegmentation
{
    /// <param name="segment">Segments one block's pixels (e.g. a model with a fixed diameter and normalisation).</param>
    /// <param name="bandAlignment">Bands start on multiples of this many rows (a tiled writer's tile height).</param>
    /// <param name="progress">Called after each block with (blocks done, blocks in all).</param>
    public static BlockSegmentationResult Run(IImageBlockSource source, BlockPlan plan, Func<Image, LabelImage> segment, ILabelBandSink sink, int bandAlignment = 1, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(bandAlignment, 1);
        if (source.Height != plan.Height || source.Width != plan.Width)
        {
            throw new ArgumentException($"the plan is for {plan.Width}x{plan.Height} pixels, the image is {source.Width}x{source.Height}", nameof(plan));
        }

        int width = plan.Width;
        int capacity = Math.Min(plan.Height, plan.BlockSize + (2 * plan.Overlap) + bandAlignment);
        int[] band = new int[capacity * width];
        int bandTop = 0;
        int next = 0;
        var objects = new List<ObjectMeasurement>();
        var problems = new List<string>();
        int done = 0;
        foreach (IGrouping<int, ImageBlock> row in plan.Blocks.GroupBy(b => b.Row))
        {
            foreach (ImageBlock block in row)
            {
                try
                {
                    Image pixels = source.Read(block.Read);
                    LabelImage labels = segment(pixels);
                    next = Keep(block, labels, pixels, band, bandTop, width, next, objects);
                }
                catch (SegKitException e)
                {
                    problems.Add($"block at row {block.Core.Top}, column {block.Core.Left} ({block.Core.Width}x{block.Core.Height}): {e.Message}; left empty");
                }

                progress?.Invoke(++done, plan.Blocks.Count);
            }

            // Rows above the next block row's reach are final.
            bool last = row.Key == plan.Rows - 1;
            int finalEnd = last ? plan.Height : ((row.Key + 1) * plan.BlockSize) - plan.Overlap;
            if (!last)
            {
                finalEnd = finalEnd / bandAlignment * bandAlignment;
            }

            if (finalEnd > bandTop)
            {
                int rows = finalEnd - bandTop;
                sink.WriteBand(bandTop, rows, band.AsSpan(0, rows * width));
                int kept = Math.Min(capacity, plan.Height - bandTop) - rows;
                band.AsSpan(rows * width, Math.Max(0, kept) * width).CopyTo(band);
                band.AsSpan(Math.Max(0, kept) * width).Clear();
                bandTop = finalEnd;
            }
        }

        problems.AddRange(source.Problems);
        return new BlockSegmentationResult(next, objects, problems);
    }

    /// <summary>Numbers and paints the block's objects whose centres lie in its core; returns the last label used.</summary>
    private static int Keep(ImageBlock block, LabelImage labels, Image pixels, int[] band, int bandTop, int width, int next, List<ObjectMeasurement> objects)
    {
        BlockRegion read = block.Read;
        if (labels.Height != read.Height || labels.Width != read.Width)
        {
            throw new InvalidOperationException($"the block segmenter returned {labels.Width}x{labels.Height} labels for a {read.Width}x{read.Height} block");
        }

        var global = new int[labels.MaxLabel + 1];
        foreach (ObjectMeasurement o in ObjectMeasurement.Measure(labels, pixels))
        {
            double y = o.CentroidY + read.Top, x = o.CentroidX + read.Left;
            if (block.Core.Contains(y, x))
            {
                global[o.Label] = ++next;
                objects.Add(o with
                {
                    Label = next,
                    CentroidY = y,
                    CentroidX = x,
                    Box = o.Box with { Top = o.Box.Top + read.Top, Left = o.Box.Left + read.Left },
                });
            }
        }

        for (int y = 0; y < read.Height; y++)
        {
            ReadOnlySpan<int> source = labels.Row(y);
            Span<int> target = band.AsSpan(((read.Top + y - bandTop) * width) + read.Left, read.Width);
            for (int x = 0; x < source.Length; x++)
            {
                int g = global[source[x]];
                if (g != 0 && target[x] == 0)
                {
                    target[x] = g;
                }
            }
        }

        return next;
    }
}

namespace SegKit.Core.Blocks;

/// <summary>
/// How a large image is cut for block-wise segmentation, as distributed Cellpose does: a grid of cores of
/// <see cref="BlockSize"/> pixels, each segmented with <see cref="Overlap"/> pixels of its neighbours around it. An
/// object belongs to the block whose core holds its centre; with an overlap wider than the largest object, every
/// object is seen whole by its owner, so none is split or counted twice.
/// </summary>
public sealed class BlockPlan
{
    public BlockPlan(int height, int width, int blockSize, int overlap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 16);
        ArgumentOutOfRangeException.ThrowIfNegative(overlap);
        if (overlap >= blockSize)
        {
            throw new ArgumentOutOfRangeException(nameof(overlap), overlap, $"the overlap must be smaller than the block size ({blockSize})");
        }

        Height = height;
        Width = width;
        BlockSize = blockSize;
        Overlap = overlap;
        Rows = (height + blockSize - 1) / blockSize;
        Columns = (width + blockSize - 1) / blockSize;
        var blocks = new List<ImageBlock>(Rows * Columns);
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns; c++)
            {
                int top = r * blockSize, left = c * blockSize;
                var core = new BlockRegion(top, left, Math.Min(blockSize, height - top), Math.Min(blockSize, width - left));
                int readTop = Math.Max(0, top - overlap), readLeft = Math.Max(0, left - overlap);
                int readBottom = Math.Min(height, core.Bottom + overlap), readRight = Math.Min(width, core.Right + overlap);
                blocks.Add(new ImageBlock(r, c, core, new BlockRegion(readTop, readLeft, readBottom - readTop, readRight - readLeft)));
            }
        }

        Blocks = blocks;
    }

    public int Height { get; }

    public int Width { get; }

    public int BlockSize { get; }

    public int Overlap { get; }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>Row by row, left to right: the order <see cref="BlockSegmentation"/> processes them in.</summary>
    public IReadOnlyList<ImageBlock> Blocks { get; }

    /// <summary>The largest region any block reads, for memory estimates.</summary>
    public long LargestReadPixels => Blocks.Max(b => (long)b.Read.Height * b.Read.Width);
}

using SegKit.Core.Images;

namespace SegKit.Core.Tiling;

/// <summary>
/// Overlapping square windows that cover an image of any size, Cellpose-style: the image is mirror-padded
/// (U-Net's overlap-tile strategy) until it is at least one tile in each direction, then
/// ceil((1 + 2 overlap) L / tile) tiles per axis are spread evenly from edge to edge. Every tile has the same
/// size, so a network with a fixed input shape can run them in batches.
/// </summary>
public sealed class TilePlan
{
    private TilePlan(int height, int width, int tileSize, double overlap, TilePadding padding, int padTop, int padLeft, int paddedHeight, int paddedWidth, int[] rowStarts, int[] columnStarts)
    {
        Padding = padding;
        Height = height;
        Width = width;
        TileSize = tileSize;
        Overlap = overlap;
        PadTop = padTop;
        PadLeft = padLeft;
        PaddedHeight = paddedHeight;
        PaddedWidth = paddedWidth;
        RowStarts = rowStarts;
        ColumnStarts = columnStarts;
        var tiles = new Tile[rowStarts.Length * columnStarts.Length];
        int k = 0;
        foreach (int top in rowStarts)
        {
            foreach (int left in columnStarts)
            {
                tiles[k] = new Tile(k, top, left);
                k++;
            }
        }

        Tiles = tiles;
    }

    public int Height { get; }

    public int Width { get; }

    public int TileSize { get; }

    /// <summary>The overlap fraction in use (after clamping to 0.05..0.5).</summary>
    public double Overlap { get; }

    /// <summary>What fills the padded frame beyond the image.</summary>
    public TilePadding Padding { get; }

    /// <summary>Padding above the image (the image starts at this row of the padded frame).</summary>
    public int PadTop { get; }

    public int PadLeft { get; }

    public int PaddedHeight { get; }

    public int PaddedWidth { get; }

    public IReadOnlyList<int> RowStarts { get; }

    public IReadOnlyList<int> ColumnStarts { get; }

    public IReadOnlyList<Tile> Tiles { get; }

    /// <summary>Cellpose's tile side (224 pixels): the default of every tiling setting in SegKit.</summary>
    public const int DefaultTileSize = 224;

    /// <summary>
    /// Plans tiles for a <paramref name="height"/> x <paramref name="width"/> image. <paramref name="overlap"/> is clamped
    /// to 0.05..0.5 as Cellpose does; a value outside [0, 1) is a mistake and throws.
    /// </summary>

    public static TilePlan Create(int height, int width, int tileSize = DefaultTileSize, double overlap = 0.1, TilePadding padding = TilePadding.Mirror)
    {
        if (height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height, "image height must be positive");
        }

        if (width <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "image width must be positive");
        }

        if (tileSize < 1 || tileSize > 8192)
        {
            throw new ArgumentOutOfRangeException(nameof(tileSize), tileSize, "tile size must be within 1..8192");
        }

        if (double.IsNaN(overlap) || overlap < 0 || overlap >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(overlap), overlap, "overlap is a fraction of the tile, within [0, 1) (it is then clamped to 0.05..0.5)");
        }

        overlap = Math.Clamp(overlap, 0.05, 0.5);
        var (padTop, paddedHeight) = Pad(height, tileSize, padding);
        var (padLeft, paddedWidth) = Pad(width, tileSize, padding);
        return new TilePlan(
            height,
            width,
            tileSize,
            overlap,
            padding,
            padTop,
            padLeft,
            paddedHeight,
            paddedWidth,
            Starts(paddedHeight, tileSize, overlap),
            Starts(paddedWidth, tileSize, overlap));
    }

    /// <summary>The padding before the image and the padded length of one axis.</summary>
    private static (int Before, int Length) Pad(int length, int tileSize, TilePadding padding)
    {
        int before = 0;
        if (padding == TilePadding.Cellpose)
        {
            // pad_image_ND(div=16, extra=1): 8 pixels each side, and the rest of the way to a multiple of 16 split in two.
            int toMultiple = (16 * (int)Math.Ceiling(length / 16.0)) - length;
            before = 8 + (toMultiple / 2);
            length += 16 + toMultiple;
        }

        int padded = Math.Max(length, tileSize);
        return (before + ((padded - length) / 2), padded);
    }

    /// <summary>
    /// Copies tile <paramref name="tile"/> of every channel of <paramref name="image"/> into <paramref name="destination"/>
    /// (channels x tile x tile, C order), mirroring the image where the tile reaches beyond it (zeros with
    /// <see cref="TilePadding.Cellpose"/>).
    /// </summary>
    public void Extract(Image image, Tile tile, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckImage(image.Height, image.Width);
        int t = TileSize;
        if (destination.Length < image.Channels * t * t)
        {
            throw new ArgumentException($"destination holds {destination.Length} values; {image.Channels}x{t}x{t} needed", nameof(destination));
        }

        bool zeros = Padding == TilePadding.Cellpose;
        Span<int> columns = t <= 1024 ? stackalloc int[t] : new int[t];
        for (int x = 0; x < t; x++)
        {
            columns[x] = zeros ? Inside(tile.Left + x - PadLeft, Width) : Mirror(tile.Left + x - PadLeft, Width);
        }

        bool contiguous = columns[t - 1] - columns[0] == t - 1 && tile.Left >= PadLeft && tile.Left + t <= PadLeft + Width;
        for (int c = 0; c < image.Channels; c++)
        {
            Span<float> plane = image.Plane(c);
            Span<float> dst = destination.Slice(c * t * t, t * t);
            for (int y = 0; y < t; y++)
            {
                int sy = zeros ? Inside(tile.Top + y - PadTop, Height) : Mirror(tile.Top + y - PadTop, Height);
                Span<float> dstRow = dst.Slice(y * t, t);
                if (sy < 0)
                {
                    dstRow.Clear();
                    continue;
                }

                Span<float> srcRow = plane.Slice(sy * Width, Width);
                if (contiguous)
                {
                    srcRow.Slice(columns[0], t).CopyTo(dstRow);
                }
                else
                {
                    for (int x = 0; x < t; x++)
                    {
                        dstRow[x] = columns[x] < 0 ? 0f : srcRow[columns[x]];
                    }
                }
            }
        }
    }

    internal void CheckImage(int height, int width)
    {
        if (height != Height || width != Width)
        {
            throw new ShapeMismatchException($"the tile plan is for {Height}x{Width} images, not {height}x{width}");
        }
    }

    /// <summary>The index itself inside 0..n-1, else -1 (a zero of <see cref="TilePadding.Cellpose"/>).</summary>
    private static int Inside(int i, int n) => (uint)i < (uint)n ? i : -1;

    /// <summary>Reflect-101 mirroring (abcd|cba), repeated for pads longer than the image; a 1-pixel axis repeats its pixel.</summary>
    public static int Mirror(int i, int n)
    {
        if ((uint)i < (uint)n)
        {
            return i;
        }

        if (n == 1)
        {
            return 0;
        }

        int period = 2 * (n - 1);
        int m = i % period;
        if (m < 0)
        {
            m += period;
        }

        return m < n ? m : period - m;
    }

    private static int[] Starts(int length, int tileSize, double overlap)
    {
        int count = length <= tileSize ? 1 : (int)Math.Ceiling((1.0 + (2.0 * overlap)) * length / tileSize);
        var starts = new int[count];
        int last = length - tileSize;
        for (int i = 0; i < count; i++)
        {
            // numpy.linspace(0, last, count).astype(int): evenly spread, truncated.
            starts[i] = count == 1 ? 0 : (int)(last * (double)i / (count - 1));
        }

        return starts;
    }
}

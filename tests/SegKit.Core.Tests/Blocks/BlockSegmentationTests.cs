using SegKit.Core.Blocks;
using SegKit.Core.Classical;
using SegKit.Core.Images;

namespace SegKit.Core.Tests.Blocks;

public class BlockSegmentationTests
{
    /// <summary>Discs of diameter up to 21 px at random places on a 300 x 250 image; some touch block borders and each other.</summary>
    private static Image Discs(int seed, out int count)
    {
        var random = new Random(seed);
        var image = new Image(1, 300, 250);
        count = 0;
        for (int k = 0; k < 90; k++)
        {
            int cy = random.Next(300), cx = random.Next(250), r = random.Next(3, 11);
            bool free = true;
            for (int y = Math.Max(0, cy - r - 2); y < Math.Min(300, cy + r + 3) && free; y++)
            {
                for (int x = Math.Max(0, cx - r - 2); x < Math.Min(250, cx + r + 3); x++)
                {
                    free &= image.Plane(0)[(y * 250) + x] == 0;
                }
            }

            if (!free)
            {
                continue;
            }

            count++;
            for (int y = Math.Max(0, cy - r); y <= Math.Min(299, cy + r); y++)
            {
                for (int x = Math.Max(0, cx - r); x <= Math.Min(249, cx + r); x++)
                {
                    if (((y - cy) * (y - cy)) + ((x - cx) * (x - cx)) <= r * r)
                    {
                        image.Plane(0)[(y * 250) + x] = 100 + k;
                    }
                }
            }
        }

        return image;
    }

    private static LabelImage Components(Image image)
    {
        ReadOnlySpan<float> plane = image.Plane(0);
        bool[] mask = new bool[plane.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = plane[i] > 0;
        }

        return ConnectedComponents.Label(mask, image.Height, image.Width);
    }

    [Theory]
    [InlineData(1, 64, 24, 1)]
    [InlineData(2, 48, 30, 16)]
    [InlineData(3, 100, 22, 32)]
    [InlineData(4, 256, 24, 64)]
    public void Block_wise_components_equal_whole_image_components_object_for_object(int seed, int blockSize, int overlap, int alignment)
    {
        Image image = Discs(seed, out int count);
        LabelImage whole = Components(image);
        var sink = new RecordingSink(image.Height, image.Width);

        BlockSegmentationResult result = BlockSegmentation.Run(new InMemoryBlockSource(image), new BlockPlan(image.Height, image.Width, blockSize, overlap), Components, sink, alignment);

        Assert.Equal(count, whole.CountObjects());
        Assert.Equal(count, result.ObjectCount);
        Assert.Empty(result.Problems);
        Assert.Equal(Enumerable.Range(1, count), result.Objects.Select(o => o.Label));
        // The same partition of the pixels: a one-to-one map between the two labellings.
        var map = new Dictionary<int, int>();
        for (int i = 0; i < whole.PixelCount; i++)
        {
            int a = whole.Buffer[i], b = sink.Labels.Buffer[i];
            Assert.True((a == 0) == (b == 0), $"pixel {i}: {a} vs {b}");
            if (a != 0)
            {
                Assert.Equal(b, map.TryGetValue(a, out int seen) ? seen : map[a] = b);
            }
        }

        Assert.Equal(count, map.Values.Distinct().Count());
        // Bands arrive in order, each starting where the last ended, on the alignment.
        Assert.Equal(0, sink.Bands[0].Top);
        for (int k = 1; k < sink.Bands.Count; k++)
        {
            Assert.Equal(sink.Bands[k - 1].Top + sink.Bands[k - 1].Rows, sink.Bands[k].Top);
            Assert.Equal(0, sink.Bands[k].Top % alignment);
        }

        Assert.Equal(image.Height, sink.Bands[^1].Top + sink.Bands[^1].Rows);
        // Measurements in the image's coordinates.
        foreach (ObjectMeasurement o in result.Objects)
        {
            int label = sink.Labels[(int)Math.Round(o.CentroidY), (int)Math.Round(o.CentroidX)];
            Assert.Equal(o.Label, label);
        }
    }

    [Fact]
    public void A_block_that_fails_is_reported_and_left_empty_while_the_others_are_segmented()
    {
        Image image = Discs(5, out _);
        var plan = new BlockPlan(image.Height, image.Width, 100, 20);
        var sink = new RecordingSink(image.Height, image.Width);
        int calls = 0;

        BlockSegmentationResult result = BlockSegmentation.Run(new InMemoryBlockSource(image), plan, block =>
        {
            if (++calls == 4)
            {
                throw new InvalidImageException("this block is damaged");
            }

            return Components(block);
        }, sink);

        string problem = Assert.Single(result.Problems);
        Assert.Contains("block at row 100, column 0 (100x100): this block is damaged; left empty", problem);
        Assert.True(result.ObjectCount > 20);
        ImageBlock failed = plan.Blocks[3];
        Assert.All(result.Objects, o => Assert.False(failed.Core.Contains(o.CentroidY, o.CentroidX)));
    }

    [Fact]
    public void The_plan_covers_the_image_with_cores_once_and_reads_them_with_their_overlap()
    {
        var plan = new BlockPlan(1000, 700, 256, 32);
        Assert.Equal((4, 3), (plan.Rows, plan.Columns));
        long covered = plan.Blocks.Sum(b => (long)b.Core.Height * b.Core.Width);
        Assert.Equal(700_000, covered);
        ImageBlock middle = plan.Blocks.Single(b => b.Row == 1 && b.Column == 1);
        Assert.Equal(new BlockRegion(256 - 32, 256 - 32, 256 + 64, 256 + 64), middle.Read);
        Assert.Equal(new BlockRegion(768, 512, 232, 188), plan.Blocks[^1].Core);
        Assert.Equal(new BlockRegion(736, 480, 264, 220), plan.Blocks[^1].Read);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BlockPlan(100, 100, 64, 64));
    }

    private sealed class RecordingSink(int height, int width) : ILabelBandSink
    {
        private readonly LabelImageSink _inner = new(height, width);

        public List<(int Top, int Rows)> Bands { get; } = [];

        public LabelImage Labels => _inner.Labels;

        public void WriteBand(int top, int rows, ReadOnlySpan<int> labels)
        {
            Bands.Add((top, rows));
            _inner.WriteBand(top, rows, labels);
        }
    }
}

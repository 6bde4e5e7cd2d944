using SegKit.Onnx;
using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Imaging;
using SegKit.Testing;
using SegKit.Training.Data;

namespace SegKit.Training.Tests;

public class SegmentationDatasetTests
{
    [Fact]
    public void Folder_weights_set_how_often_each_image_is_drawn()
    {
        var small = SegmentationDataset.Load(SyntheticData.Write(images: 2, size: 32, seed: 11), SegmentationModelKind.Cellpose);
        var large = SegmentationDataset.Load(SyntheticData.Write(images: 6, size: 32, seed: 12), SegmentationModelKind.Cellpose);
        var combined = SegmentationDataset.Combine([(small, 3.0), (large, 1.0)]);
        Assert.Equal(8, combined.Count);
        Assert.Equal([3.0, 3.0, 1, 1, 1, 1, 1, 1], combined.Weights);

        int[] drawn = combined.DrawEpoch(60_000, new Random(5));
        double smallShare = drawn.Count(i => i < 2) / (double)drawn.Length;
        // Each small-set image weighs 3: 6 of 12 weight units, half of all draws.
        Assert.InRange(smallShare, 0.49, 0.51);
        Assert.All(Enumerable.Range(0, 8), i => Assert.Contains(i, drawn));
    }

    [Fact]
    public void Equal_weights_and_a_full_epoch_draw_every_image_once()
    {
        var set = SegmentationDataset.Load(SyntheticData.Write(images: 5, size: 32, seed: 13), SegmentationModelKind.Cellpose);
        int[] order = set.DrawEpoch(5, new Random(1));
        Assert.Equal([0, 1, 2, 3, 4], order.Order());
        Assert.Equal(order, set.DrawEpoch(5, new Random(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SegmentationDataset.Combine([(set, 0.0)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SegmentationDataset.Combine([(set, double.NaN)]));
    }

    [Fact]
    public void Excluded_names_are_never_loaded()
    {
        string data = SyntheticData.Write(images: 4, size: 32, seed: 14);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.Cellpose, new DatasetLoadOptions { Exclude = new HashSet<string> { "img1", "img3" } });
        Assert.Equal(["img0", "img2"], set.Items.Select(i => i.Name).Order());
        var e = Assert.Throws<InvalidImageException>(() => SegmentationDataset.Load(data, SegmentationModelKind.Cellpose, new DatasetLoadOptions { Exclude = new HashSet<string> { "img0", "img1", "img2", "img3" } }));
        Assert.Contains("no image/mask pairs", e.Message);
    }

    [Fact]
    public void Flows_are_cached_by_mask_content_and_reused()
    {
        string data = SyntheticData.Write(images: 2, size: 48, seed: 15);
        string cacheDir = Directory.CreateTempSubdirectory("segkit-flows-").FullName;
        var options = new DatasetLoadOptions { FlowCache = cacheDir };
        var first = SegmentationDataset.Load(data, SegmentationModelKind.Cellpose, options);
        string[] entries = Directory.GetFiles(cacheDir, "*.npy");
        Assert.Equal(2, entries.Length);

        // A second load reads the entries: overwrite one with a recognisable field of the right shape.
        var cache = new FlowCache(cacheDir);
        string mask0 = Path.Combine(data, "masks", "img0.png");
        var labels = LabelImageFile.Read(mask0).Renumber();
        var flows = cache.GetOrCompute(mask0, labels, out bool hit);
        Assert.True(hit);
        Assert.Equal(first.Items.Single(i => i.Name == "img0").Flows!.Buffer, flows.Buffer);

        // A damaged entry is recomputed, not trusted.
        foreach (string entry in entries)
        {
            File.WriteAllText(entry, "not an npy file");
        }

        var again = SegmentationDataset.Load(data, SegmentationModelKind.Cellpose, options);
        Assert.Equal(first.Items[0].Flows!.Buffer, again.Items[0].Flows!.Buffer);
        _ = cache.GetOrCompute(mask0, labels, out hit);
        Assert.True(hit);

        // An edited mask is a new key.
        var edited = labels.Buffer.ToArray();
        Array.Clear(edited, 0, 48 * 10);
        LabelImageFile.Write(mask0, new LabelImage(48, 48, edited).Renumber());
        _ = cache.GetOrCompute(mask0, LabelImageFile.Read(mask0).Renumber(), out hit);
        Assert.False(hit);
        Assert.Equal(3, Directory.GetFiles(cacheDir, "*.npy").Length);
    }

    [Fact]
    public void Sixteen_bit_colour_and_empty_images_load_together_and_size_mismatches_are_named()
    {
        string root = Directory.CreateTempSubdirectory("segkit-mixed-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "images"));
        Directory.CreateDirectory(Path.Combine(root, "masks"));
        var mask = new LabelImage(40, 40);
        for (int y = 10; y < 20; y++)
        {
            for (int x = 10; x < 20; x++)
            {
                mask[y, x] = 1;
            }
        }

        var deep = new LabelImage(40, 40, mask.Buffer.Select(v => v > 0 ? 40_000 : 1_000).ToArray());
        LabelImageFile.Write(Path.Combine(root, "images", "deep.png"), deep);
        LabelImageFile.Write(Path.Combine(root, "masks", "deep.png"), mask);
        // A stained-tissue-like colour image: dark bluish objects on a bright pinkish background (OpenCV stores BGR).
        using (var colour = new OpenCvSharp.Mat(40, 40, OpenCvSharp.MatType.CV_8UC3))
        {
            for (int y = 0; y < 40; y++)
            {
                for (int x = 0; x < 40; x++)
                {
                    colour.Set(y, x, mask[y, x] > 0 ? new OpenCvSharp.Vec3b(120, 50, 70) : new OpenCvSharp.Vec3b(210, 190, 235));
                }
            }

            OpenCvSharp.Cv2.ImWrite(Path.Combine(root, "images", "colour.png"), colour);
        }

        LabelImageFile.Write(Path.Combine(root, "masks", "colour.png"), mask);
        LabelImageFile.Write(Path.Combine(root, "images", "empty.png"), new LabelImage(40, 40, Enumerable.Repeat(7, 1600).ToArray()));
        LabelImageFile.Write(Path.Combine(root, "masks", "empty.png"), new LabelImage(40, 40));

        var set = SegmentationDataset.Load(root, SegmentationModelKind.Cellpose);
        Assert.Equal(3, set.Count);
        Assert.Null(set.Items.Single(i => i.Name == "empty").Diameter);
        Assert.All(set.Items, i => Assert.Equal(2, i.Image.Channels));

        LabelImageFile.Write(Path.Combine(root, "masks", "deep.png"), new LabelImage(30, 40));
        var e = Assert.Throws<InvalidImageException>(() => SegmentationDataset.Load(root, SegmentationModelKind.Cellpose));
        Assert.Contains("deep.png is 40x40 but its mask is 30x40", e.Message);
    }
}

using SegKit.Core.Images;
using SegKit.Imaging;

namespace SegKit.Testing;

/// <summary>Small synthetic nuclei (bright noisy discs, some touching) written as PNG image/mask folders.</summary>
internal static class SyntheticData
{
    public static string Write(int images, int size, int seed)
    {
        string root = Directory.CreateTempSubdirectory("segkit-train-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "images"));
        Directory.CreateDirectory(Path.Combine(root, "masks"));
        var random = new Random(seed);
        for (int n = 0; n < images; n++)
        {
            var labels = new LabelImage(size, size);
            var image = new Image(1, size, size);
            int objects = 3 + random.Next(3);
            for (int k = 1; k <= objects; k++)
            {
                double cy = 8 + (random.NextDouble() * (size - 16));
                double cx = 8 + (random.NextDouble() * (size - 16));
                double r = 5 + (random.NextDouble() * 3);
                for (int y = 0; y < size; y++)
                {
                    for (int x = 0; x < size; x++)
                    {
                        if (((y - cy) * (y - cy)) + ((x - cx) * (x - cx)) <= r * r && labels[y, x] == 0)
                        {
                            labels[y, x] = k;
                        }
                    }
                }
            }

            for (int i = 0; i < image.Data.Length; i++)
            {
                image.Data[i] = (labels.Buffer[i] > 0 ? 180f : 30f) + (float)(random.NextDouble() * 40);
            }

            // Write the image as an 8-bit grey PNG through a label writer of the right depth would lose nothing: values < 256.
            var asLabels = new LabelImage(size, size, image.Buffer.Select(v => (int)v).ToArray());
            LabelImageFile.Write(Path.Combine(root, "images", $"img{n}.png"), asLabels);
            LabelImageFile.Write(Path.Combine(root, "masks", $"img{n}.png"), labels.Renumber());
        }

        return root;
    }
}

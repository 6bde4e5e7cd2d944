using SegKit.Core.Flows;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Training.Augmentation;

namespace SegKit.Training.Tests;

public class RandomAugmenterTests
{
    private static TrainingSample RealSample()
    {
        var labelsArray = SegKit.Testing.CellposeFixtures.Npy("dsb_4be73d68.labels.npy");
        var imageArray = SegKit.Testing.CellposeFixtures.Npy("norm_4be73d68.input.npy");
        var labels = new LabelImage(256, 256, labelsArray.ToInt32());
        var image = new Image(1, 256, 256, imageArray.ToSingle());
        return new TrainingSample(image, labels, MaskFlows.Compute(labels));
    }

    [Fact]
    public void The_same_seed_gives_the_same_sample()
    {
        var sample = RealSample();
        var augmenter = new RandomAugmenter(new AugmentationOptions { PatchSize = 96, NoiseSigma = 0.1, Brightness = 0.1 });
        var a = augmenter.Apply(sample, new Random(5));
        var b = augmenter.Apply(sample, new Random(5));
        var c = augmenter.Apply(sample, new Random(6));
        Assert.Equal(a.Image.Buffer, b.Image.Buffer);
        Assert.Equal(a.Labels.Buffer, b.Labels.Buffer);
        Assert.Equal(a.Flows!.Buffer, b.Flows!.Buffer);
        Assert.NotEqual(a.Image.Buffer, c.Image.Buffer);
    }

    [Fact]
    public void No_transform_on_a_patch_sized_image_is_the_identity()
    {
        var sample = RealSample();
        var result = new RandomAugmenter(AugmentationOptions.None(256)).Apply(sample, new Random(1));
        Assert.Equal(sample.Image.Buffer, result.Image.Buffer);
        Assert.Equal(sample.Labels.Buffer, result.Labels.Buffer);
        Assert.Equal(sample.Flows!.Buffer, result.Flows!.Buffer);
    }

    [Fact]
    public void Augmented_flows_agree_with_flows_recomputed_from_augmented_labels()
    {
        var sample = RealSample();
        var augmenter = new RandomAugmenter(new AugmentationOptions { PatchSize = 160 });
        for (int seed = 0; seed < 8; seed++)
        {
            var result = augmenter.Apply(sample, new Random(seed));
            var recomputed = MaskFlows.Compute(result.Labels);

            // Objects cut by the patch edge get a new centre when recomputed, so only whole objects are compared.
            var cut = new HashSet<int>();
            int n = result.Labels.Width;
            for (int k = 0; k < n; k++)
            {
                cut.Add(result.Labels[0, k]);
                cut.Add(result.Labels[n - 1, k]);
                cut.Add(result.Labels[k, 0]);
                cut.Add(result.Labels[k, n - 1]);
            }

            double cosine = 0;
            int count = 0;
            for (int i = 0; i < result.Labels.PixelCount; i++)
            {
                if (result.Labels.Buffer[i] == 0 || cut.Contains(result.Labels.Buffer[i]) || OnBorder(result.Labels, i))
                {
                    continue;
                }

                float ay = result.Flows!.DY[i], ax = result.Flows.DX[i];
                float ry = recomputed.DY[i], rx = recomputed.DX[i];
                double norm = Math.Sqrt(((double)ay * ay) + ((double)ax * ax)) * Math.Sqrt(((double)ry * ry) + ((double)rx * rx));
                if (norm > 1e-6)
                {
                    cosine += ((ay * ry) + (ax * rx)) / norm;
                    count++;
                }
            }

            Assert.True(count > 500, $"seed {seed}: only {count} interior pixels");
            Assert.True(cosine / count > 0.95, $"seed {seed}: mean cosine {cosine / count:0.000}");
        }
    }

    [Fact]
    public void Elastic_deformation_recomputes_flows_from_the_warped_labels()
    {
        var sample = RealSample();
        var result = new RandomAugmenter(new AugmentationOptions { PatchSize = 128, ElasticAlpha = 6 }).Apply(sample, new Random(2));
        Assert.True(result.Labels.MaxLabel > 5);
        Assert.Equal(MaskFlows.Compute(result.Labels).Buffer, result.Flows!.Buffer);
    }

    private static bool OnBorder(LabelImage labels, int i)
    {
        int w = labels.Width;
        int y = i / w, x = i % w;
        int v = labels.Buffer[i];
        return y == 0 || x == 0 || y == labels.Height - 1 || x == w - 1
            || labels.Buffer[i - 1] != v || labels.Buffer[i + 1] != v || labels.Buffer[i - w] != v || labels.Buffer[i + w] != v;
    }
}

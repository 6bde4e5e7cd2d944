using Microsoft.ML;
using SegKit.Imaging;

namespace SegKit.ML.Tests;

/// <summary>The pooled prediction engine a service shares between requests (SegKit.Service has its own tests).</summary>
public class ServiceTests
{
    private readonly TestModels _models = TestModels.Shared;

    [Fact]
    public void Eight_threads_on_one_pool_give_the_masks_of_one_thread()
    {
        var images = ImageFile.ListImages(_models.SyntheticImages).Concat(ImageFile.ListImages(TestModels.SampleImages)).ToList();
        using var pool = PooledPredictionEngine<MicroscopyImageInput, SegmentedCells>.FromFile(SavePipeline(images));
        var single = images.Select(i => pool.Predict(new MicroscopyImageInput { ImagePath = i }).Masks).ToList();
        var results = new int[8][][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            results[k] = images.Select(i => pool.Predict(new MicroscopyImageInput { ImagePath = i }).Masks).ToArray();
        });
        Assert.All(results, r => Assert.Equal(single, r));
    }

    private string SavePipeline(IReadOnlyList<string> images)
    {
        var ml = new MLContext(seed: 0);
        IDataView data = Segmentations.Paths(ml, images);
        string zip = Path.Combine(TestModels.NewTempFolder(), "pipeline.zip");
        ml.Model.Save(ml.Transforms.SegmentCells(_models.Cellpose).Fit(data), data.Schema, zip);
        return zip;
    }
}

using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.ML;
using SegKit.Imaging;
using SegKit.Service;

namespace SegKit.ML.Tests;

public class ServiceTests
{
    private readonly TestModels _models = TestModels.Shared;

    [Fact]
    public async Task Eight_concurrent_requests_get_the_masks_one_request_at_a_time_gets()
    {
        var images = ImageFile.ListImages(_models.SyntheticImages).Concat(ImageFile.ListImages(TestModels.SampleImages)).ToList();
        string zip = SavePipeline(images);
        await using var factory = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b => b.UseSetting("SegKit:Model", zip));
        using HttpClient client = factory.CreateClient();

        var sequential = new List<SegmentResponse>();
        foreach (string image in images)
        {
            sequential.Add(await Segment(client, image));
        }

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(k => Task.Run(async () =>
        {
            var answers = new List<SegmentResponse>();
            foreach (string image in images.Skip(k % images.Count).Concat(images.Take(k % images.Count)))
            {
                answers.Add(await Segment(client, image));
            }

            // Back in the images' order.
            return answers.Skip(images.Count - (k % images.Count)).Concat(answers.Take(images.Count - (k % images.Count))).ToList();
        })));

        Assert.True(sequential.Sum(s => s.ObjectCount) >= 8, "the masks compared are not empty");
        foreach (var run in concurrent)
        {
            for (int i = 0; i < images.Count; i++)
            {
                Assert.Equal(sequential[i].Masks, run[i].Masks);
            }
        }

        var bad = await client.PostAsJsonAsync("/segment", new SegmentRequest("/nowhere/x.png"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("/nowhere/x.png", (await bad.Content.ReadFromJsonAsync<SegmentResponse>())!.Error);
    }

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

    private static async Task<SegmentResponse> Segment(HttpClient client, string image)
    {
        var response = await client.PostAsJsonAsync("/segment", new SegmentRequest(image, IncludeMasks: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SegmentResponse>())!;
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

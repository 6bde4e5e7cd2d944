using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SegKit.Distributed;

namespace SegKit.Distributed.Tests;

public sealed class SiloSegmentationTests : IDisposable
{
    private readonly Job _job = new(images: 2);

    public void Dispose() => _job.Dispose();

    [Fact]
    public async Task A_model_that_failed_to_load_is_tried_again_for_the_next_item()
    {
        using var silo = new SiloSegmentation(Options.Create(new SegKitWorkerOptions()), NullLogger<SiloSegmentation>.Instance);
        string model = Path.Combine(_job.Root, "models", "nuclei.onnx");
        Directory.CreateDirectory(_job.Output);
        WorkItem Item(string input) => new() { Input = input, OutputFolder = _job.Output, Model = model, Settings = new JobSettings() };

        // The share holding the model was away for the first item (a network file system's hiccup).
        WorkItemResult failed = await silo.RunAsync(Item(_job.Inputs[0]), "silo", CancellationToken.None);
        Assert.Contains(model, failed.Error);

        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        File.Copy(Path.Combine(SegKit.Testing.RepositoryLayout.Root, "models", "nuclei.onnx"), model);
        WorkItemResult done = await silo.RunAsync(Item(_job.Inputs[1]), "silo", CancellationToken.None);
        Assert.Null(done.Error);
        Assert.True(done.Objects > 0);
    }
}

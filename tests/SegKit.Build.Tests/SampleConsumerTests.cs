using System.Text.RegularExpressions;
using SegKit.Testing;

namespace SegKit.Build.Tests;

[Collection(ConsumerCollection.Name)]
public sealed class SampleConsumerTests(PackedFeed feed)
{
    [Fact]
    public void The_sample_consumer_builds_validates_and_segments_the_bundled_images()
    {
        // The sample as it is in the repository, beside copies of the images it validates on, below the feed's nuget.config.
        string samples = Path.Combine(feed.Root, "samples");
        var consumer = new ConsumerProject(feed, Path.Combine("samples", "consumer"));
        foreach (string file in Directory.GetFiles(Path.Combine(RepositoryLayout.Root, "samples", "consumer")))
        {
            File.Copy(file, Path.Combine(consumer.Directory, Path.GetFileName(file)), overwrite: true);
        }

        consumer.CopyFolder(Path.Combine(feed.Samples, "images"), Path.Combine("..", "..", "models", "samples", "images"));
        consumer.CopyFolder(Path.Combine(feed.Samples, "masks"), Path.Combine("..", "..", "models", "samples", "masks"));

        var (exit, log) = DotNet.Run(consumer.Directory, "build", "--nologo", "-c", "Release", "-nodeReuse:false",
            $"-p:SegKitVersion={PackedFeed.Version}", $"-p:SegKitModel={feed.Cellpose}", "-p:SegKitMinimumAP=0");

        Assert.True(exit == 0, log);
        Assert.Contains("SegKit: generated SegKit.Consumer.NucleiSegmenter", log);
        Assert.Contains("passed validation", log);
        var (runExit, run) = DotNet.Run(consumer.Directory, "exec", Path.Combine(consumer.Directory, "bin", "Release", "net10.0", "SegKit.Consumer.dll"));
        Assert.True(runExit == 0, run);
        Assert.Contains("model: synthetic nuclei", run);
        Assert.Equal(2, Regex.Matches(run, @"dsb_\w+\.png: \d+ nuclei, mean area [\d.]+ px").Count);
        Assert.True(Directory.Exists(samples));
    }
}

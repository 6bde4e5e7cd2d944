using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SegKit.Testing;

namespace SegKit.Build.Tests;

/// <summary>
/// The developer's guide (docs/guides/developer.md) as its reader follows it: a new console project that takes
/// SegKit.ML and SegKit.Build from a folder of packages (this commit's, no project references), the project-file
/// and Program.cs edits the guide shows, then its build and run on the sample images with the shipped model.
/// </summary>
[Collection(ConsumerCollection.Name)]
public sealed partial class GuideTests(PackedFeed feed)
{
    [Fact]
    public void The_developers_guide_builds_and_runs_its_application_from_the_packages_alone()
    {
        // The reader's folder, below the feed's nuget.config (for its package folders; the guide's own nuget.config
        // clears the sources): the packages, the model and an annotated image folder.
        string work = Path.Combine(feed.Root, "guide");
        GuideScript.CopyFiles(feed.Feed, Path.Combine(work, "segkit-packages"));
        GuideScript.CopyFiles(Path.Combine(feed.Samples, "images"), Path.Combine(work, "images"));
        GuideScript.CopyFiles(Path.Combine(feed.Samples, "masks"), Path.Combine(work, "masks"));
        string shippedModel = Path.Combine(RepositoryLayout.Root, "models", "nuclei.onnx");
        File.Copy(shippedModel, Path.Combine(work, "nuclei.onnx"));

        // The guide names the release version; the feed holds this run's test version of the same packages.
        string released = XDocument.Load(Path.Combine(RepositoryLayout.Root, "Directory.Build.props")).Descendants("VersionPrefix").Single().Value;
        var guide = new GuideScript("docs/guides/developer.md").Replace($"--version {released}", $"--version {PackedFeed.Version}");
        Assert.Equal(2, guide.Blocks.Count);
        var environment = new Dictionary<string, string>();

        ExternalProcess create = guide.Run(work, environment, ..1);
        Assert.True(create.ExitCode == 0, create.ToString());

        // The reader's two edits: the item group inside <Project>, and Program.cs replaced.
        string app = Path.Combine(work, "CellCounter");
        string projectFile = Path.Combine(app, "CellCounter.csproj");
        string xml = Assert.Single(guide.CodeBlocks("xml"));
        File.WriteAllText(projectFile, File.ReadAllText(projectFile).Replace("</Project>", xml + "</Project>", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(app, "Program.cs"), Assert.Single(guide.CodeBlocks("csharp")));
        Assert.DoesNotContain("ProjectReference", File.ReadAllText(projectFile));

        ExternalProcess run = guide.Run(app, environment, 1..);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("SegKit: generated CellCounter.NucleiSegmenter", run.Out);
        Assert.Contains("passed validation", run.Out);
        MatchCollection counts = TypedCount().Matches(run.Out);
        Assert.Equal(2, counts.Count);
        int typedTotal = counts.Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.True(typedTotal > 20, run.Out);
        Assert.Contains($"pooled engine: {typedTotal} nuclei in 2 images", run.Out);
        double ap = TestModels.Evaluate(shippedModel, Path.Combine(work, "images"), Path.Combine(work, "masks")).Scores[0].AveragePrecision;
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"ML.NET: AP@0.5 = {ap:0.000}"), run.Out);
    }

    [GeneratedRegex(@"typed predictor: dsb_\w+\.png: (\d+) nuclei")]
    private static partial Regex TypedCount();
}

using SegKit.Core.Images;
using SegKit.Distributed;
using SegKit.Imaging;
using SegKit.Testing;

namespace SegKit.Distributed.Tests;

/// <summary>
/// A job for the tests: copies of the two bundled sample images under distinct names in a scratch folder, its manifest,
/// and the masks segkit segment (in-process, the real command) gives for each sample, to compare a job's outputs with.
/// </summary>
internal sealed class Job : IDisposable
{
    private static readonly Lazy<IReadOnlyDictionary<string, (int[] Labels, string Objects)>> Reference = new(SegmentSamples);

    public Job(int images)
    {
        Root = Directory.CreateTempSubdirectory("segkit-batch-").FullName;
        Directory.CreateDirectory(Images);
        string[] samples = Samples;
        for (int i = 0; i < images; i++)
        {
            string sample = samples[i % samples.Length];
            File.Copy(sample, Path.Combine(Images, $"img{i:00}_{Path.GetFileName(sample)}"));
        }

        File.WriteAllText(Manifest, """{ "inputs": ["images"], "model": "nuclei", "output": "out" }""");
    }

    public static string[] Samples => Directory.GetFiles(Path.Combine(RepositoryLayout.Root, "models", "samples", "images"), "*.png").Order(StringComparer.Ordinal).ToArray();

    public string Root { get; }

    public string Images => Path.Combine(Root, "images");

    public string Output => Path.Combine(Root, "out");

    public string Manifest => Path.Combine(Root, "job.json");

    public string[] Inputs => Directory.GetFiles(Images).Order(StringComparer.Ordinal).ToArray();

    public JobPlan Plan() => JobPlan.Prepare(BatchManifest.Read(Manifest));

    /// <summary>
    /// Every input has its three outputs, each complete and equal to what segkit segment writes for the same image; no
    /// temporary file is left and nothing else is there but the report.
    /// </summary>
    public void AssertOutputsMatchSegkitSegment()
    {
        string[] inputs = Inputs;
        foreach (string input in inputs)
        {
            string stem = Path.GetFileNameWithoutExtension(input);
            string sample = stem[(stem.IndexOf('_', StringComparison.Ordinal) + 1)..];
            (int[] labels, string objects) = Reference.Value[sample];
            LabelImage actual = LabelImageFile.Read(Path.Combine(Output, stem + SegmentationOutputs.MasksSuffix));
            Assert.True(labels.AsSpan().SequenceEqual(actual.Buffer), $"{stem}: masks differ from segkit segment's");
            Assert.Equal(objects, File.ReadAllText(Path.Combine(Output, stem + SegmentationOutputs.ObjectsSuffix)));
            Assert.Equal(3, ImageFile.Read(Path.Combine(Output, stem + SegmentationOutputs.OverlaySuffix)).Channels);
        }

        string[] files = Directory.GetFiles(Output).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.DoesNotContain(files, f => f.StartsWith('.'));
        Assert.Equal((inputs.Length * 3) + 1, files.Length);
        Assert.Contains(BatchReport.FileName, files);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A silo killed mid-job may still be finishing a write here; the scratch folder is in /tmp anyway.
        }
    }

    private static IReadOnlyDictionary<string, (int[] Labels, string Objects)> SegmentSamples()
    {
        string output = Directory.CreateTempSubdirectory("segkit-batch-ref-").FullName;
        try
        {
            var (code, _, error) = Segkit.Run(["segment", Path.GetDirectoryName(Samples[0])!, "--out", output]);
            Assert.True(code == 0, error);
            return Samples.Select(s => Path.GetFileNameWithoutExtension(s)).ToDictionary(
                stem => stem,
                stem => (LabelImageFile.Read(Path.Combine(output, stem + SegmentationOutputs.MasksSuffix)).Buffer, File.ReadAllText(Path.Combine(output, stem + SegmentationOutputs.ObjectsSuffix))),
                StringComparer.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}

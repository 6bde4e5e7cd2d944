using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using SegKit.Imaging;
using SegKit.Inference;

namespace SegKit.Build.Tests;

[Collection(ConsumerCollection.Name)]
public sealed class TypedPredictorTests(PackedFeed feed)
{
    private const string Program = """
        using SegKit.Imaging;

        var image = ImageFile.Read(args[0]);
        using var nuclei = Consumer.Models.NucleiSegmenter.Create(new Consumer.Models.NucleiSegmenterOptions { IntraOpThreads = 2 });
        var byFile = nuclei.Segment(args[0]);
        var byChannel = nuclei.Segment(cytoplasm: image.ToGray(), nucleus: null);
        Console.WriteLine($"nuclei objects={byFile.Objects.Count} max={byFile.Labels.MaxLabel} same={byFile.Labels.Buffer.SequenceEqual(byChannel.Labels.Buffer)} flows={byFile.Flows.Height}x{byFile.Flows.Width} probability={byFile.Probability.Length}");
        var output = new Consumer.Models.NucleiSegmenterOutput();
        nuclei.Map(new Consumer.Models.NucleiSegmenterInput { Pixels = image.ToGray().Buffer, Height = image.Height, Width = image.Width }, output);
        Console.WriteLine($"map objects={output.ObjectCount} labels={output.Labels.Length}");
        using var threshold = Consumer.ThresholdSegmenter.Create();
        var u = threshold.Segment(dapiStain: image);
        Console.WriteLine($"unet classes={u.ClassMap.Distinct().Count()} instances={u.Instances.MaxLabel} objects={u.Objects.Count}");
        """;

    [Fact]
    public void Generated_class_segments_the_sample_a_second_build_skips_both_tasks_and_removing_the_model_removes_the_class()
    {
        var project = new ConsumerProject(feed, "app");
        project.AddModel(feed.Cellpose, "nuclei.onnx");
        project.AddModel(feed.UNet, "threshold.onnx");
        string samples = Path.GetRelativePath(project.Directory, feed.Samples);
        project.WriteProject($"""
                <SegmentationModel Include="models/nuclei.onnx" ClassName="NucleiSegmenter" Namespace="Consumer.Models"
                                   ValidationImages="{samples}/images" ValidationMasks="{samples}/masks" MinimumAveragePrecision="0" />
                <SegmentationModel Include="models/threshold.onnx" Deployment="CopyToOutput" />
            """, exe: true);
        project.WriteCode(Program);

        var (exit, log) = project.Build();

        Assert.True(exit == 0, log);
        Assert.Contains("SegKit: generated Consumer.Models.NucleiSegmenter from models/nuclei.onnx", log);
        Assert.Contains("SegKit: generated Consumer.ThresholdSegmenter from models/threshold.onnx", log);
        string ap = feed.Reference.Scores[0].AveragePrecision.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"passed validation: AP@0.5 = {ap} >= 0.00 on 2 images", log);

        // The report holds per-image figures, and its total is exactly what segkit eval's computation gives.
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ValidationFolder, "nuclei.validation.json")));
        Assert.Equal(2, report.RootElement.GetProperty("images").GetArrayLength());
        Assert.Equal(feed.Reference.Scores[0].AveragePrecision, report.RootElement.GetProperty("total").GetProperty("averagePrecision").GetDouble());
        Assert.Equal(feed.Reference.Scores[0].TruePositives, report.RootElement.GetProperty("total").GetProperty("truePositives").GetInt32());
        Assert.Equal(123, report.RootElement.GetProperty("total").GetProperty("truthObjects").GetInt32());

        // The application segments the sample exactly as SegKit.Inference does in this process.
        string sample = Path.Combine(feed.Samples, "images", "dsb_4be73d68.png");
        var (runExit, run) = project.RunApp(sample);
        Assert.True(runExit == 0, run);
        int expected = ReferenceObjectCount(sample);
        Assert.Contains($"nuclei objects={expected} max={expected} same=True flows=256x256 probability=65536", run);
        Assert.Contains($"map objects={expected} labels=65536", run);
        Assert.Matches(@"unet classes=2 instances=[1-9]\d* objects=[1-9]\d*", run);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(project.OutputAssembly)!, "models", "threshold.onnx")));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(project.OutputAssembly)!, "models", "nuclei.onnx")));
        Assert.Contains("SegKit.Models.nuclei.onnx", Resources(project.OutputAssembly));

        // Nothing changed: both targets are skipped and the generated file is untouched.
        string generated = Path.Combine(project.GeneratedFolder, "Consumer.Models.NucleiSegmenter.g.cs");
        DateTime written = File.GetLastWriteTimeUtc(generated);
        var (again, secondLog) = project.Build();
        Assert.True(again == 0, secondLog);
        Assert.DoesNotContain("SegKit: generated", secondLog);
        Assert.DoesNotContain("SegKit: validating", secondLog);
        Assert.Contains("Skipping target \"SegKitGeneratePredictors\"", secondLog);
        Assert.Contains("Skipping target \"_SegKitValidateModels\"", secondLog);
        Assert.Equal(written, File.GetLastWriteTimeUtc(generated));

        // A model put back with an older time stamp (cp -p, tar, rsync -a): both targets look again, and the validator's
        // content fingerprint says the model is the one that passed.
        File.SetLastWriteTimeUtc(Path.Combine(project.Directory, "models", "nuclei.onnx"), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var (older, olderLog) = project.Build();
        Assert.True(older == 0, olderLog);
        Assert.Contains("SegKit: generated Consumer.Models.NucleiSegmenter", olderLog);
        Assert.Contains("SegKit: validation of models/nuclei.onnx skipped: model, data and settings unchanged", olderLog);

        // The model leaves the project: its class leaves the assembly and its generated file the disk. Two classes of one
        // name in two namespaces each get their own file, and a card channel named "input" is just a parameter name.
        string input = Path.Combine(project.Directory, "input-channel.onnx");
        SegKit.Testing.TinyModels.WriteThresholdUNet(input, "input");
        project.AddModel(input, "cyto.onnx");
        project.AddModel(input, "membranes.onnx");
        project.AddModel(input, "q\"x.onnx");
        project.WriteProject("""
                <SegmentationModel Include="models/threshold.onnx" Deployment="CopyToOutput" />
                <SegmentationModel Include="models/cyto.onnx" ClassName="Segmenter" Namespace="Lab.Cyto" />
                <SegmentationModel Include="models/membranes.onnx" ClassName="Segmenter" Namespace="Lab.Membranes" />
                <SegmentationModel Include="models/q&quot;x.onnx" ClassName="Quoted" Deployment="CopyToOutput" />
            """, exe: true);
        project.WriteCode("""Console.WriteLine(typeof(Consumer.ThresholdSegmenter).Name + typeof(Lab.Cyto.Segmenter).FullName + typeof(Lab.Membranes.Segmenter).FullName + Consumer.Quoted.ModelPath);""");
        var (removed, removedLog) = project.Build();
        Assert.True(removed == 0, removedLog);
        Assert.False(File.Exists(generated));
        Assert.True(File.Exists(Path.Combine(project.GeneratedFolder, "Consumer.ThresholdSegmenter.g.cs")));
        Assert.Contains("public SegmenterResult Segment(global::SegKit.Core.Images.Image input)", File.ReadAllText(Path.Combine(project.GeneratedFolder, "Lab.Cyto.Segmenter.g.cs")));
        Assert.True(File.Exists(Path.Combine(project.GeneratedFolder, "Lab.Membranes.Segmenter.g.cs")));
        var types = TypeNames(project.OutputAssembly);
        Assert.Contains("ThresholdSegmenter", types);
        Assert.Equal(2, types.Count(t => t == "Segmenter"));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(project.OutputAssembly)!, "models", "q\"x.onnx")));
        Assert.DoesNotContain("NucleiSegmenter", types);
        Assert.DoesNotContain("NucleiSegmenterResult", types);
        Assert.DoesNotContain("SegKit.Models.nuclei.onnx", Resources(project.OutputAssembly));
    }

    [Fact]
    public void Design_time_build_generates_the_class_and_never_validates()
    {
        var project = new ConsumerProject(feed, "designtime");
        project.AddModel(feed.Cellpose, "nuclei.onnx");
        string samples = Path.GetRelativePath(project.Directory, feed.Samples);
        project.WriteProject($"""
                <SegmentationModel Include="models/nuclei.onnx" ValidationImages="{samples}/images" ValidationMasks="{samples}/masks" MinimumAveragePrecision="1.01" />
            """);

        var (exit, log) = DotNet.Run(project.Directory, "msbuild", "-restore", "-t:Compile", "-p:Configuration=Release", "-p:DesignTimeBuild=true",
            "-p:SkipCompilerExecution=true", "-p:ProvideCommandLineArgs=true", "-nodeReuse:false", "-v:n", "-nologo");

        Assert.True(exit == 0, log);
        Assert.True(File.Exists(Path.Combine(project.GeneratedFolder, "Consumer.NucleiSegmenter.g.cs")), log);
        Assert.Contains("SegKit: generated Consumer.NucleiSegmenter", log);
        Assert.DoesNotContain("SegKit: validating", log);
        Assert.DoesNotContain("SEGK1001", log);
    }

    private int ReferenceObjectCount(string imagePath)
    {
        using var model = SegmentationModel.Load(feed.Cellpose);
        return model.CreateSegmenter().Segment(ImageFile.Read(imagePath)).Objects.Count;
    }

    private static List<string> TypeNames(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        var reader = pe.GetMetadataReader();
        return reader.TypeDefinitions.Select(t => reader.GetString(reader.GetTypeDefinition(t).Name)).ToList();
    }

    private static List<string> Resources(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        var reader = pe.GetMetadataReader();
        return reader.ManifestResources.Select(r => reader.GetString(reader.GetManifestResource(r).Name)).ToList();
    }
}

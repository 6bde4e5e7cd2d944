using System.Globalization;

namespace SegKit.Build.Tests;

[Collection(ConsumerCollection.Name)]
public sealed class BuildErrorTests(PackedFeed feed)
{
    [Fact]
    public void A_minimum_above_the_models_AP_fails_with_SEGK1001_and_a_minimum_of_zero_passes()
    {
        var project = new ConsumerProject(feed, "threshold");
        project.AddModel(feed.Cellpose, "nuclei.onnx");
        string samples = Path.GetRelativePath(project.Directory, feed.Samples);
        string Item(string minimum) => $"""
                <SegmentationModel Include="models/nuclei.onnx" ClassName="NucleiSegmenter" Namespace="Lab"
                                   ValidationImages="{samples}/images" ValidationMasks="{samples}/masks" MinimumAveragePrecision="{minimum}" IoUThreshold="0.5" />
            """;
        project.WriteProject(Item("1.01"));

        var (exit, log) = project.Build();

        Assert.NotEqual(0, exit);
        string ap = feed.Reference.Scores[0].AveragePrecision.ToString("0.00", CultureInfo.InvariantCulture);
        string report = Path.Combine(project.ValidationFolder, "nuclei.validation.json");
        Assert.Contains($"error SEGK1001: models/nuclei.onnx: AP@0.5 = {ap} is below the required 1.01 on 2 images", log);
        Assert.Contains($"report: {report}", log);
        Assert.Contains("\"passed\": false", File.ReadAllText(report));

        // Only the threshold changes: validation runs again and passes.
        project.WriteProject(Item("0"));
        var (passed, passedLog) = project.Build();
        Assert.True(passed == 0, passedLog);
        Assert.Contains("SegKit: validating models/nuclei.onnx on 2 image(s)", passedLog);
        Assert.Contains($"passed validation: AP@0.5 = {ap} >= 0.00 on 2 images", passedLog);
    }

    [Fact]
    public void Bad_models_and_item_options_fail_with_their_codes()
    {
        var project = new ConsumerProject(feed, "badmodels");
        project.AddModel(feed.Corrupt, "corrupt.onnx");
        project.AddModel(feed.WithoutCard, "plain.onnx");
        project.AddModel(feed.Cellpose, "a.onnx");
        project.AddModel(feed.Cellpose, "b.onnx");
        project.AddModel(feed.UNet, "c.onnx");
        project.AddModel(feed.UNet, "d.onnx");
        project.AddModel(feed.UNet, "a,b.onnx");
        TestModels.WriteFixedSizeUNet(Path.Combine(project.Directory, "models", "fixed.onnx"), size: 100, cardTile: 64);
        foreach (string folder in new[] { "one", "two" })
        {
            Directory.CreateDirectory(Path.Combine(project.Directory, "models", folder));
            project.AddModel(feed.UNet, Path.Combine(folder, "e.onnx"));
        }

        project.WriteProject("""
                <SegmentationModel Include="models/corrupt.onnx" />
                <SegmentationModel Include="models/plain.onnx" />
                <SegmentationModel Include="models/missing.onnx" />
                <SegmentationModel Include="models/a.onnx" ClassName="9Lives" />
                <SegmentationModel Include="models/b.onnx" Namespace="Bad-Name" />
                <SegmentationModel Include="models/c.onnx" ClassName="Nuclei" />
                <SegmentationModel Include="models/d.onnx" ClassName="NucleiOptions" />
                <SegmentationModel Include="models/one/e.onnx" ClassName="E1" Deployment="CopyToOutput" />
                <SegmentationModel Include="models/two/e.onnx" ClassName="E2" Deployment="CopyToOutput" />
                <SegmentationModel Include="models/a,b.onnx" ClassName="Comma" />
                <SegmentationModel Include="models/fixed.onnx" />
            """);

        var (exit, log) = project.Build();

        Assert.NotEqual(0, exit);
        Assert.Contains("error SEGK0001: models/corrupt.onnx: not a readable ONNX model", log);
        Assert.Contains("error SEGK0001: models/missing.onnx: model file not found", log);
        Assert.Contains("error SEGK0002: models/plain.onnx: an ONNX model without a SegKit model card", log);
        Assert.Contains("segkit export", log);
        Assert.Contains("error SEGK0004: models/a.onnx: ClassName '9Lives' is not a valid C# class name", log);
        Assert.Contains("error SEGK0005: models/b.onnx: Namespace 'Bad-Name' is not a valid C# namespace", log);
        // Nuclei's options class would be declared twice; two models copied to one output file would share it.
        Assert.Contains("error SEGK0004: models/d.onnx: generates type Consumer.NucleiOptions, as models/c.onnx does", log);
        Assert.Contains("error SEGK0006: models/two/e.onnx: has the file name of models/one/e.onnx, and both would be copied to models/e.onnx", log);
        // What loading it would refuse at run time, the build refuses.
        Assert.Contains("error SEGK0003: models/fixed.onnx: its input is fixed at 100 x 100 pixels but its card's tiles are 64 x 64", log);
        Assert.Contains("error SEGK0006: models/a,b.onnx: the file name 'a,b.onnx' holds a comma or a quote, which the C# compiler cannot embed", log);
        Assert.DoesNotContain("   at ", log);
    }

    [Fact]
    public void Validation_input_problems_fail_with_their_codes_and_the_validators_own_message()
    {
        var project = new ConsumerProject(feed, "badvalidation");
        foreach (string name in new[] { "a.onnx", "b.onnx", "c.onnx" })
        {
            project.AddModel(feed.Cellpose, name);
        }

        string images = project.CopyFolder(Path.Combine(feed.Samples, "images"), "images");
        string masks = project.CopyFolder(Path.Combine(feed.Samples, "masks"), "masks");
        string extraMasks = project.CopyFolder(masks, "extra-masks");
        File.Copy(Path.Combine(masks, "dsb_4be73d68.png"), Path.Combine(extraMasks, "lonely_masks.png"));
        string damaged = project.CopyFolder(images, "damaged-images");
        File.WriteAllBytes(Path.Combine(damaged, "dsb_912a679e.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        // macOS leaves ._x.png beside x.png on shared drives: hidden files are no images to segkit eval, nor to the gate.
        string hiddenImages = project.CopyFolder(images, "hidden-images");
        string hiddenMasks = project.CopyFolder(masks, "hidden-masks");
        File.WriteAllBytes(Path.Combine(hiddenImages, "._dsb_912a679e.png"), [0, 5, 22, 7, 0, 2]);
        File.WriteAllBytes(Path.Combine(hiddenMasks, "._dsb_912a679e.png"), [0, 5, 22, 7, 0, 2]);
        project.AddModel(feed.Cellpose, "d.onnx");
        project.WriteProject("""
                <SegmentationModel Include="models/a.onnx" ValidationImages="images" ValidationMasks="no-such-folder" MinimumAveragePrecision="0" />
                <SegmentationModel Include="models/b.onnx" ValidationImages="images" ValidationMasks="extra-masks" MinimumAveragePrecision="0" />
                <SegmentationModel Include="models/c.onnx" ValidationImages="damaged-images" ValidationMasks="masks" MinimumAveragePrecision="0" />
                <SegmentationModel Include="models/d.onnx" ValidationImages="hidden-images" ValidationMasks="hidden-masks" MinimumAveragePrecision="0" />
            """);

        var (exit, log) = project.Build();

        Assert.NotEqual(0, exit);
        Assert.Contains("error SEGK0101: models/a.onnx: ValidationMasks folder", log);
        Assert.Contains("error SEGK0102: models/b.onnx: validation images and masks do not pair by file name: 1 mask(s) without an image", log);
        Assert.Contains("lonely_masks.png", log);
        Assert.Matches(@"error SEGK1002: models/c\.onnx: .*dsb_912a679e\.png", log);
        string ap = feed.Reference.Scores[0].AveragePrecision.ToString("0.00", CultureInfo.InvariantCulture);
        Assert.Contains($"SegKit: models/d.onnx passed validation: AP@0.5 = {ap} >= 0.00 on 2 images", log);
        Assert.DoesNotContain("   at ", log);
        Assert.DoesNotContain("Unhandled exception", log);
    }
}

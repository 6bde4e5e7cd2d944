using System.Diagnostics;
using Microsoft.ML;
using SegKit.Imaging;

namespace SegKit.ML.Tests;

public class SaveLoadTests
{
    private readonly TestModels _models = TestModels.Shared;

    [Fact]
    public void A_saved_pipeline_loaded_in_a_fresh_process_gives_identical_masks()
    {
        var ml = new MLContext(seed: 0);
        var images = ImageFile.ListImages(_models.SyntheticImages).Concat(ImageFile.ListImages(TestModels.SampleImages)).ToList();
        IDataView data = Segmentations.Paths(ml, images);
        ITransformer model = ml.Transforms.SegmentCells(_models.Cellpose, new SegmentCellsOptions { Diameter = 16, Dynamics = new() { FlowThreshold = 0.6, MinSize = 9 } }).Fit(data);
        var expected = ml.Data.CreateEnumerable<SegmentedCells>(model.Transform(data), false).ToList();
        string folder = TestModels.NewTempFolder();
        string zip = Path.Combine(folder, "pipeline.zip");
        ml.Model.Save(model, data.Schema, zip);

        string output = Directory.CreateDirectory(Path.Combine(folder, "out")).FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[] { typeof(SaveLoadTests).Assembly.Location, "segment", zip, output }.Concat(images))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, errors);
        for (int i = 0; i < images.Count; i++)
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(output, $"{i}.bin"));
            var masks = new int[bytes.Length / sizeof(int)];
            Buffer.BlockCopy(bytes, 0, masks, 0, bytes.Length);
            Assert.Equal(expected[i].Masks, masks);
        }

        // The settings (diameter, flow threshold, min size) came back with the zip: without them the masks would differ.
        var defaults = Segmentations.Run(ml, ml.Transforms.SegmentCells(_models.Cellpose).Fit(data), images);
        Assert.Contains(Enumerable.Range(0, images.Count), i => !defaults[i].Masks.SequenceEqual(expected[i].Masks));
    }
}

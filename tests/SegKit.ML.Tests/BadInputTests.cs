using Microsoft.ML;
using SegKit.Core.Images;
using SegKit.Imaging;

namespace SegKit.ML.Tests;

public class BadInputTests
{
    private readonly TestModels _models = TestModels.Shared;

    [Fact]
    public void A_missing_image_among_1000_rows_fails_only_its_row_and_names_the_file()
    {
        string folder = TestModels.NewTempFolder();
        string small = Path.Combine(folder, "small.png");
        var image = LabelImageFile.Read(ImageFile.ListImages(_models.SyntheticImages)[0]);
        LabelImageFile.Write(small, new LabelImage(24, 24, Enumerable.Range(0, 24 * 24).Select(i => image.Buffer[((i / 24) * 64) + (i % 24)]).ToArray()));
        string missing = Path.Combine(folder, "no-such-image.png");
        var paths = Enumerable.Repeat(small, 1000).ToArray();
        paths[617] = missing;

        // The one-layer U-Net keeps 1,000 rows cheap; the rows go through every step all the same.
        var ml = new MLContext(seed: 0);
        var model = ml.Transforms.SegmentCells(_models.UNet, new SegmentCellsOptions { MinSize = 4 }).Fit(Segmentations.Paths(ml, []));
        var results = Segmentations.Run(ml, model, paths);
        Assert.Equal(1000, results.Count);
        Assert.True(results[0].ObjectCount > 0);
        Assert.Contains(missing, results[617].ImageError);
        Assert.Empty(results[617].Masks);
        Assert.All(results.Where((_, i) => i != 617), r => Assert.True(r.Succeeded && r.Masks.Length == 24 * 24));
        Assert.Single(results.Select(r => string.Join(',', r.Masks)).Where((_, i) => i != 617).Distinct());

        // Scoring such a view stops at that row and says which one and why.
        var truth = Path.Combine(folder, "truth.png");
        LabelImageFile.Write(truth, new LabelImage(24, 24));
        var rows = paths.Select(p => new EvaluatorTests.LabelledImage { ImagePath = p, Label = truth });
        var error = Assert.ThrowsAny<Core.SegKitException>(() => ml.Segmentation().Evaluate(model.Transform(ml.Data.LoadFromEnumerable(rows)), "Label"));
        Assert.Contains("row 617", error.Message);
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void Options_that_contradict_the_card_are_refused_naming_the_model()
    {
        var ml = new MLContext(seed: 0);
        var error = Assert.Throws<PipelineSettingsException>(() => ml.Transforms.SegmentCells(_models.Cellpose, new SegmentCellsOptions { TileSize = 128, HighPercentile = 99.8 }));
        Assert.Contains(_models.Cellpose, error.Message);
        Assert.Contains("tile size 128 (the card says 64)", error.Message);
        Assert.Contains("high percentile 99.8", error.Message);
        Assert.Throws<PipelineSettingsException>(() => ml.Transforms.SegmentCells(_models.UNet, new SegmentCellsOptions { Diameter = 20 }));
    }

    [Fact]
    public void Steps_whose_settings_do_not_fit_the_model_fail_on_the_first_row_with_the_reason()
    {
        var ml = new MLContext(seed: 0);
        var t = ml.Transforms;
        // The sample is RGB(A): passed on as read, its tiles have 3 or 4 channels where the card names 2.
        var chain = t.LoadMicroscopyImages()
            .Append(t.NormalizePercentiles(ChannelMapping.AsRead))
            .Append(t.TileImages(TestModels.TileSize))
            .Append(t.ApplySegmentationNetwork(_models.Cellpose))
            .Append(t.BlendTiles())
            .Append(t.CellposeMasks());
        var data = Segmentations.Paths(ml, [Path.Combine(TestModels.SampleImages, "dsb_912a679e.png")]);
        var engine = ml.Model.CreatePredictionEngine<MicroscopyImageInput, SegmentedCells>(chain.Fit(data));
        var error = Assert.ThrowsAny<Exception>(() => engine.Predict(new MicroscopyImageInput { ImagePath = Path.Combine(TestModels.SampleImages, "dsb_912a679e.png") }));
        var settings = FindSettingsError(error);
        Assert.Contains("the model's card names 2 input channel(s)", settings.Message);
        Assert.Contains(_models.Cellpose, settings.Message);

        var wrongTiles = t.LoadMicroscopyImages()
            .Append(t.NormalizePercentiles(ChannelMapping.Cellpose))
            .Append(t.TileImages(96))
            .Append(t.ApplySegmentationNetwork(_models.Cellpose));
        var tiles = ml.Model.CreatePredictionEngine<MicroscopyImageInput, NetworkOutput>(wrongTiles.Fit(data));
        error = Assert.ThrowsAny<Exception>(() => tiles.Predict(new MicroscopyImageInput { ImagePath = Path.Combine(TestModels.SampleImages, "dsb_912a679e.png") }));
        Assert.Contains("96-pixel tiles but the model's card says it runs on 64-pixel tiles", FindSettingsError(error).Message);
    }

    [Fact]
    public void A_model_file_replaced_after_the_pipeline_was_built_is_refused()
    {
        string folder = TestModels.NewTempFolder();
        string copy = Path.Combine(folder, "model.onnx");
        File.Copy(_models.Cellpose, copy);
        var ml = new MLContext(seed: 0);
        var model = ml.Transforms.SegmentCells(copy).Fit(Segmentations.Paths(ml, []));
        File.Copy(_models.UNet, copy, overwrite: true);
        var engine = ml.Model.CreatePredictionEngine<MicroscopyImageInput, SegmentedCells>(model);
        var error = Assert.ThrowsAny<Exception>(() => engine.Predict(new MicroscopyImageInput { ImagePath = ImageFile.ListImages(_models.SyntheticImages)[0] }));
        Assert.Contains("has changed since the pipeline was built", FindSettingsError(error).Message);
    }

    [Fact]
    public void A_model_file_missing_when_a_row_ran_is_used_once_it_is_back()
    {
        string folder = TestModels.NewTempFolder();
        string copy = Path.Combine(folder, "model.onnx");
        File.Copy(_models.UNet, copy);
        var ml = new MLContext(seed: 0);
        var model = ml.Transforms.SegmentCells(copy, new SegmentCellsOptions { MinSize = 4 }).Fit(Segmentations.Paths(ml, []));
        var row = new MicroscopyImageInput { ImagePath = ImageFile.ListImages(_models.SyntheticImages)[0] };

        // Moved away while a file share was remounted, say: that row fails and names the model.
        File.Move(copy, copy + ".away");
        var engine = ml.Model.CreatePredictionEngine<MicroscopyImageInput, SegmentedCells>(model);
        var error = Assert.ThrowsAny<Exception>(() => engine.Predict(row));
        Exception? missing = error;
        while (missing is not null && missing is not Inference.ModelLoadException)
        {
            missing = missing.InnerException;
        }

        Assert.Contains("is not there", Assert.IsType<Inference.ModelLoadException>(missing).Message);

        // Back in place: the next engine loads it instead of repeating the first failure for the life of the process.
        File.Move(copy + ".away", copy);
        var again = ml.Model.CreatePredictionEngine<MicroscopyImageInput, SegmentedCells>(model).Predict(row);
        Assert.True(again.Succeeded && again.ObjectCount > 0, again.ImageError);
    }

    private static PipelineSettingsException FindSettingsError(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is PipelineSettingsException settings)
            {
                return settings;
            }
        }

        throw new Xunit.Sdk.XunitException($"no PipelineSettingsException in {error}");
    }

    public sealed class NetworkOutput
    {
        public float[] TileOutputs { get; set; } = [];
    }
}

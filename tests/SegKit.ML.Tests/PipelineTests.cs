using Microsoft.ML;
using SegKit.Core.Images;
using SegKit.Imaging;
using SegKit.Inference;
using SegKit.Onnx;

namespace SegKit.ML.Tests;

public class PipelineTests
{
    private readonly TestModels _models = TestModels.Shared;

    private IEnumerable<string> Images => ImageFile.ListImages(_models.SyntheticImages).Concat(ImageFile.ListImages(TestModels.SampleImages));

    [Theory]
    [InlineData(null, true)] // estimated per image: the one-step path
    [InlineData(null, false)] // the model's scale: the chain of steps
    [InlineData(20.0, true)] // a given diameter: the chain of steps, rescaled
    public void SegmentCells_gives_the_masks_of_the_Inference_factory(double? diameter, bool estimate)
    {
        var ml = new MLContext(seed: 0);
        var model = ml.Transforms.SegmentCells(_models.Cellpose, new SegmentCellsOptions { Diameter = diameter, EstimateDiameter = estimate }).Fit(Segmentations.Paths(ml, []));
        var paths = Images.ToList();
        var results = Segmentations.Run(ml, model, paths);
        Assert.Equal(paths.Count, results.Count);
        for (int i = 0; i < paths.Count; i++)
        {
            Segmentations.AssertSame(Segmentations.Direct(_models.Cellpose, paths[i], diameter, estimate), results[i], paths[i]);
        }

        // The trained model finds most synthetic discs (4 images, 3 to 5 each): the comparison is between real masks.
        Assert.InRange(results.Take(4).Sum(r => r.ObjectCount), 8, 24);
    }

    [Fact]
    public void A_model_with_Cellposes_zero_tile_padding_gives_the_masks_of_the_Inference_factory_at_a_given_diameter()
    {
        // The tiny model with the card of a model imported from Cellpose: tiles padded with zeros, not mirrored.
        OnnxModel onnx = OnnxReader.ReadFile(_models.Cellpose);
        ModelCard card = ModelCard.FromMetadata(onnx.Metadata)! with { CellposeTilePadding = true };
        string padded = Path.Combine(TestModels.NewTempFolder(), "zero-padded.onnx");
        foreach ((string key, string value) in card.ToMetadata())
        {
            onnx.Metadata[key] = value;
        }

        OnnxWriter.WriteFile(padded, onnx);
        var ml = new MLContext(seed: 0);
        var model = ml.Transforms.SegmentCells(padded, new SegmentCellsOptions { Diameter = 20.0 }).Fit(Segmentations.Paths(ml, []));
        var paths = Images.ToList();
        var results = Segmentations.Run(ml, model, paths);

        for (int i = 0; i < paths.Count; i++)
        {
            Segmentations.AssertSame(Segmentations.Direct(padded, paths[i], 20.0, true), results[i], paths[i]);
        }
    }

    [Fact]
    public void The_steps_chained_by_hand_equal_the_composite()
    {
        var ml = new MLContext(seed: 0);
        var t = ml.Transforms;
        var chain = t.LoadMicroscopyImages("File")
            .Append(t.NormalizePercentiles(ChannelMapping.Cellpose, ChannelSelection.Gray))
            .Append(t.TileImages(TestModels.TileSize, 0.1, _models.ModelDiameter))
            .Append(t.ApplySegmentationNetwork(_models.Cellpose))
            .Append(t.BlendTiles())
            .Append(t.CellposeMasks());
        var paths = Images.ToList();
        var data = ml.Data.LoadFromEnumerable(paths.Select(p => new FileRow { File = p }).ToList());
        var byHand = ml.Data.CreateEnumerable<SegmentedCells>(chain.Fit(data).Transform(data), false).ToList();
        var composite = Segmentations.Run(ml, ml.Transforms.SegmentCells(_models.Cellpose, new SegmentCellsOptions { EstimateDiameter = false }).Fit(Segmentations.Paths(ml, [])), paths);
        for (int i = 0; i < paths.Count; i++)
        {
            Assert.Equal(composite[i].Masks, byHand[i].Masks);
        }
    }

    [Fact]
    public void SegmentCells_on_a_UNet_gives_the_masks_of_UNetSegmenter()
    {
        var ml = new MLContext(seed: 0);
        var model = ml.Transforms.SegmentCells(_models.UNet).Fit(Segmentations.Paths(ml, []));
        var paths = Images.ToList();
        var results = Segmentations.Run(ml, model, paths);
        for (int i = 0; i < paths.Count; i++)
        {
            Segmentations.AssertSame(Segmentations.Direct(_models.UNet, paths[i]), results[i], paths[i]);
        }

        Assert.All(results, r => Assert.True(r.ObjectCount > 1, "the threshold network finds the bright nuclei"));
    }

    [Fact]
    public void Class_map_step_separates_touching_objects_along_a_predicted_boundary()
    {
        // Three classes (background, nucleus, boundary): two nuclei side by side, one column of boundary between them.
        const int h = 8, w = 12;
        var logits = new float[3 * h * w];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int cls = y is < 2 or > 5 || x is < 1 or > 10 ? 0 : x == 6 ? 2 : 1;
                logits[(cls * h * w) + (y * w) + x] = 5f;
            }
        }

        var ml = new MLContext(seed: 0);
        var row = new BlendedInput { Blended = logits, Channels = 3, Grid = new Transforms.TileGrid(h, w, h, w, 1, 8, 1, 0.1).ToVector() };
        var data = ml.Data.LoadFromEnumerable([row]);
        IEstimator<ITransformer> Step(InstanceMode mode) => ml.Transforms.ClassMapInstances(new UNetSegmenterOptions { Classes = 3, BoundaryClass = 2, Instances = mode, MinSize = 1 });
        SegmentedCells Run(InstanceMode mode) => ml.Data.CreateEnumerable<SegmentedCells>(Step(mode).Fit(data).Transform(data), false, ignoreMissingColumns: true).Single();

        var components = Run(InstanceMode.ConnectedComponents);
        Assert.Equal(2, components.ObjectCount);
        Assert.Equal(0, components.Masks[(3 * w) + 6]);
        var watershed = Run(InstanceMode.BoundaryWatershed);
        Assert.Equal(2, watershed.ObjectCount);
        Assert.NotEqual(0, watershed.Masks[(3 * w) + 6]); // the boundary pixels join an object
        Assert.Equal(4 * 10, watershed.Masks.Count(v => v != 0));
    }

    [Fact]
    public void Images_of_16_bits_and_any_channel_count_load_with_their_values()
    {
        string folder = TestModels.NewTempFolder();
        string deep = Path.Combine(folder, "deep.tif");
        var values = Enumerable.Range(0, 40 * 30).Select(i => i * 50 % 65536).ToArray();
        LabelImageFile.Write(deep, new LabelImage(40, 30, values));
        var ml = new MLContext(seed: 0);
        var data = Segmentations.Paths(ml, [deep, Path.Combine(TestModels.SampleImages, "dsb_912a679e.png")]);
        var loaded = ml.Data.CreateEnumerable<LoadedImage>(ml.Transforms.LoadMicroscopyImages().Fit(data).Transform(data), false).ToList();
        Assert.Equal((1, 40, 30), (loaded[0].ImageChannels, loaded[0].ImageHeight, loaded[0].ImageWidth));
        Assert.Equal(values.Select(v => (float)v), loaded[0].Image);
        Assert.True(loaded[0].Image.Max() > 255);
        Image direct = ImageFile.Read(Path.Combine(TestModels.SampleImages, "dsb_912a679e.png"));
        Assert.Equal(direct.Channels, loaded[1].ImageChannels);
        Assert.True(direct.Channels > 1);
        Assert.Equal(direct.Buffer, loaded[1].Image);
    }

    [Fact]
    public void A_UNet_that_reads_one_named_channel_is_fed_that_channel_as_segkit_segment_feeds_it_and_a_grey_image_is_a_bad_row()
    {
        // Green holds a disc on the left, red one on the right: the gray mean shows both, the green channel one.
        string folder = TestModels.NewTempFolder();
        string model = Path.Combine(folder, "green.onnx");
        SegKit.Testing.TinyModels.WriteThresholdUNet(model, "image:green");
        string image = Path.Combine(folder, "two-discs.png");
        using (var mat = new OpenCvSharp.Mat(80, 80, OpenCvSharp.MatType.CV_8UC3, OpenCvSharp.Scalar.All(0)))
        {
            for (int y = 0; y < 80; y++)
            {
                for (int x = 0; x < 80; x++)
                {
                    byte green = (byte)((((y - 40) * (y - 40)) + ((x - 20) * (x - 20))) < 100 ? 200 : 10);
                    byte red = (byte)((((y - 40) * (y - 40)) + ((x - 60) * (x - 60))) < 100 ? 250 : 10);
                    mat.Set(y, x, new OpenCvSharp.Vec3b(0, green, red));
                }
            }

            OpenCvSharp.Cv2.ImWrite(image, mat);
        }

        // A grey image has no green channel: its row fails and names it, the others go on.
        string grey = Path.Combine(folder, "grey.png");
        LabelImageFile.Write(grey, new LabelImage(16, 16));

        var ml = new MLContext(seed: 0);
        var options = new SegmentCellsOptions();
        var results = Segmentations.Run(ml, ml.Transforms.SegmentCells(model, options).Fit(Segmentations.Paths(ml, [])), [grey, image, grey]);
        Assert.All(new[] { results[0], results[2] }, r =>
        {
            Assert.False(r.Succeeded);
            Assert.Empty(r.Masks);
            Assert.Contains(grey, r.ImageError);
            Assert.Contains("the model reads green", r.ImageError);
        });
        var result = results[1];
        using var loaded = SegmentationModel.Load(model);
        LabelImage direct = loaded.CreateSegmenter(options.ToSegmentOptions(SegmentationModelKind.UNet)).Segment(ImageFile.Read(image)).Labels;
        Assert.Equal(1, direct.CountObjects());
        Assert.NotEqual(0, direct[40, 20]);
        Assert.Equal(0, direct[40, 60]);
        Segmentations.AssertSame(direct, result, image);
    }

    public sealed class FileRow
    {
        public string File { get; set; } = string.Empty;
    }

    public sealed class LoadedImage
    {
        public float[] Image { get; set; } = [];

        public int ImageChannels { get; set; }

        public int ImageHeight { get; set; }

        public int ImageWidth { get; set; }
    }

    public sealed class BlendedInput
    {
        [Microsoft.ML.Data.ColumnName(Columns.Blended)]
        public float[] Blended { get; set; } = [];

        [Microsoft.ML.Data.ColumnName(Columns.TileOutputChannels)]
        public int Channels { get; set; }

        [Microsoft.ML.Data.ColumnName(Columns.TileGrid)]
        public double[] Grid { get; set; } = [];

        [Microsoft.ML.Data.ColumnName(Columns.ImageHeight)]
        public int Height { get; set; } = 8;
    }
}

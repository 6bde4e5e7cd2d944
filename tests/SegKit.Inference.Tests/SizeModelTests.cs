using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SegKit.Core.Images;
using SegKit.Core.Pipelines;
using SegKit.Core.Transforms;
using SegKit.Imaging;
using SegKit.Onnx;
using SegKit.Testing;

namespace SegKit.Inference.Tests;

/// <summary>The one-pass diameter estimate: the encoder subgraph, the ridge fit, and the pipeline's use of it.</summary>
public class SizeModelTests
{
    private static string Nuclei => Path.Combine(RepositoryLayout.Root, "models", "nuclei.onnx");

    private static string SampleImage => Path.Combine(RepositoryLayout.Root, "models", "samples", "images", "dsb_4be73d68.png");

    [Fact]
    public void The_encoder_subgraph_gives_the_full_networks_style_with_fewer_nodes()
    {
        OnnxModel full = OnnxReader.ReadFile(Nuclei);
        OnnxModel encoder = OnnxSubgraph.Extract(full, [OnnxStyleNetwork.StyleOutputName]);
        Assert.True(encoder.Graph.Nodes.Count < 0.6 * full.Graph.Nodes.Count, $"{encoder.Graph.Nodes.Count} of {full.Graph.Nodes.Count} nodes kept");
        Assert.True(encoder.Graph.Initializers.Count < full.Graph.Initializers.Count);
        Assert.Equal([OnnxStyleNetwork.StyleOutputName], encoder.Graph.Outputs.Select(o => o.Name));

        var random = new Random(4);
        float[] tile = [.. Enumerable.Range(0, 2 * 96 * 96).Select(_ => (float)random.NextDouble())];
        using var fullSession = new InferenceSession(OnnxWriter.ToBytes(full));
        using var input = fullSession.Run([NamedOnnxValue.CreateFromTensor(fullSession.InputMetadata.Keys.First(), new DenseTensor<float>(tile, [1, 2, 96, 96]))], [OnnxStyleNetwork.StyleOutputName]);
        float[] expected = [.. input[0].AsTensor<float>()];
        using var style = new OnnxStyleNetwork(new InferenceSession(OnnxWriter.ToBytes(encoder)), expected.Length);
        float[] actual = style.Run(tile, 1, 2, 96);
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(expected.Zip(actual), p => Assert.Equal(p.First, p.Second, 5));
        Assert.Throws<ArgumentException>(() => OnnxSubgraph.Extract(full, ["no-such-value"]));
    }

    [Fact]
    public void The_ridge_fit_recovers_a_linear_relation()
    {
        var random = new Random(7);
        float[] weights = [.. Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() - 0.5))];
        var styles = new List<float[]>();
        var targets = new List<double>();
        for (int i = 0; i < 400; i++)
        {
            float[] s = [.. Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble())];
            styles.Add(s);
            targets.Add(0.3 + s.Zip(weights).Sum(p => (double)p.First * p.Second));
        }

        SizeModelParameters fit = SizeModelFitter.Solve(styles, targets, 1e-6);
        Assert.All(fit.Coefficients.Zip(weights), p => Assert.Equal(p.Second, p.First, 3));
        Assert.Equal(30 * Math.Exp(targets[5]), fit.Estimate(styles[5], 30), 3);
        Assert.Equal(400, fit.Samples);

        // The penalty shrinks the coefficients toward zero, as a ridge should.
        SizeModelParameters shrunk = SizeModelFitter.Solve(styles, targets, 100);
        Assert.True(shrunk.Coefficients.Sum(c => c * c) < 0.5 * fit.Coefficients.Sum(c => c * c));
    }

    [Fact]
    public void Training_images_are_resampled_within_the_given_diameters()
    {
        using var model = SegmentationModel.Load(Nuclei);
        Image input = Normalization.Normalize99(ImageFile.Read(SampleImage).SelectChannels(ModelChannels.Selection(model.Card)));
        double truth = LabelImageFile.Read(SampleImage.Replace("images", "masks", StringComparison.Ordinal)).MedianDiameter()!.Value;
        var fitter = new SizeModelFitter(model.StyleNetwork!, 30, model.Card.TileSize) { ScalesPerImage = 12, MinimumRatio = 0.5, MaximumRatio = 1.5 };

        var (styles, targets) = fitter.CollectStyles([new SizeModelFitter.Sample(input, truth)], seed: 2);

        Assert.Equal(12, styles.Count);
        // A target is log(diameter / model diameter) after the resampling; rounding the image's size moves it a little.
        Assert.All(targets, t => Assert.InRange(Math.Exp(t), 0.5 * 0.97, 1.5 * 1.03));
        Assert.True(targets.Max() - targets.Min() > Math.Log(1.5), "the draws spread over the range");
    }

    [Fact]
    public void The_fitted_size_model_follows_the_objects_scale_on_a_real_image()
    {
        using var model = SegmentationModel.Load(Nuclei);
        OnnxStyleNetwork style = model.StyleNetwork!;
        double modelDiameter = model.Card.Diameter!.Value;
        Image raw = ImageFile.Read(SampleImage);
        Image input = Normalization.Normalize99(raw.SelectChannels(ModelChannels.Selection(model.Card)));
        double truth = LabelImageFile.Read(SampleImage.Replace("images", "masks", StringComparison.Ordinal)).MedianDiameter()!.Value;

        // Fitted on the sample image alone at many scales, the model must place a new scale of it between its neighbours.
        var fitter = new SizeModelFitter(style, modelDiameter, model.Card.TileSize) { ScalesPerImage = 24 };
        SizeModelParameters size = fitter.Fit([new SizeModelFitter.Sample(input, truth)], seed: 1);
        var estimator = new StyleDiameterEstimator(style, size, modelDiameter, model.Card.TileSize);
        double small = estimator.Estimate(Resampling.Bilinear(input, input.Height * 3 / 4, input.Width * 3 / 4))!.Value;
        double large = estimator.Estimate(Resampling.Bilinear(input, input.Height * 3 / 2, input.Width * 3 / 2))!.Value;
        Assert.True(large > 1.4 * small, $"estimates {small:0.0} px at 3/4 and {large:0.0} px at 3/2 of a {truth:0.0} px image");
    }

    [Fact]
    public void With_a_size_model_the_pipeline_runs_once_at_the_estimate_or_at_the_models_scale_when_close()
    {
        using var model = SegmentationModel.Load(Nuclei);
        double modelDiameter = model.Card.Diameter!.Value;
        Image raw = ImageFile.Read(SampleImage);
        int[] At(double? diameter) => model.CreateSegmenter(new SegmentOptions { Diameter = diameter, EstimateDiameter = false }).Segment(raw).Labels.Buffer;
        SegmentationResult WithEstimate(double estimate)
        {
            var options = model.CreateSegmenter().CellposeOptions! with { DiameterEstimator = new FixedEstimate(estimate) };
            return new CellposeSegmenter(new OnnxTileNetwork(model.Session, 3), options).Segment(raw);
        }

        int[] Estimated(double estimate) => WithEstimate(estimate).Labels.Buffer;

        Assert.Equal(At(14), Estimated(14));
        Assert.Equal(At(null), Estimated(modelDiameter * 1.05)); // within the 10% tolerance: no resampling
        Assert.NotEqual(At(null), At(14));

        // The result says which diameter the network ran for: the estimate, else the model's own.
        Assert.Equal(14, WithEstimate(14).Diameter);
        Assert.Equal(modelDiameter, WithEstimate(modelDiameter * 1.05).Diameter);
        Assert.Equal(21.5, model.CreateSegmenter(new SegmentOptions { Diameter = 21.5 }).Segment(raw).Diameter);
    }

    [Fact]
    public void An_estimate_below_five_pixels_is_raised_to_five_as_Cellpose_does()
    {
        using var model = SegmentationModel.Load(Nuclei);
        int styleLength = model.Card.SizeModel!.StyleMean.Count;
        double modelDiameter = model.Card.Diameter!.Value;
        StyleDiameterEstimator Saying(double ratio) =>
            new(model.StyleNetwork!, new SizeModelParameters(new float[styleLength], new float[styleLength], Math.Log(ratio), 1), modelDiameter, model.Card.TileSize);
        var image = new Image(2, 64, 80);

        // An image of noise can give a tiny estimate; unbounded, it would upscale the image without limit.
        Assert.Equal(StyleDiameterEstimator.MinimumDiameter, Saying(0.01).Estimate(image));
        Assert.Equal(modelDiameter * 0.5, Saying(0.5).Estimate(image)!.Value, 6);
    }

    [Fact]
    public void A_size_model_of_another_style_length_is_refused_at_load_naming_the_file()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("segkit-size-").FullName, "mismatch.onnx");
        OnnxModel onnx = OnnxReader.ReadFile(Nuclei);
        ModelCard card = ModelCard.FromMetadata(onnx.Metadata)! with { SizeModel = new SizeModelParameters(new float[64], new float[64], 0, 1) };
        foreach (var (key, value) in card.ToMetadata())
        {
            onnx.Metadata[key] = value;
        }

        OnnxWriter.WriteFile(path, onnx);
        var e = Assert.Throws<ModelLoadException>(() => SegmentationModel.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("its card's size model reads a style of 64 values but the network's 'style' output has", e.Message);
    }

    [Fact]
    public void The_segmenter_uses_the_cards_size_model_only_when_estimating()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("segkit-size-").FullName, "sized.onnx");
        OnnxModel onnx = OnnxReader.ReadFile(Nuclei);
        ModelCard shipped = ModelCard.FromMetadata(onnx.Metadata)!;
        int styleLength = shipped.SizeModel!.StyleMean.Count;
        ModelCard card = shipped with { SizeModel = new SizeModelParameters(new float[styleLength], new float[styleLength], Math.Log(0.5), 1) };
        foreach (var (key, value) in card.ToMetadata())
        {
            onnx.Metadata[key] = value;
        }

        OnnxWriter.WriteFile(path, onnx);
        using var model = SegmentationModel.Load(path);
        Assert.IsType<StyleDiameterEstimator>(model.CreateSegmenter().CellposeOptions!.DiameterEstimator);
        Assert.Null(model.CreateSegmenter(new SegmentOptions { Diameter = 20 }).CellposeOptions!.DiameterEstimator);
        Assert.Null(model.CreateSegmenter(new SegmentOptions { EstimateDiameter = false }).CellposeOptions!.DiameterEstimator);

        // Refinement is the card's choice unless the options say otherwise.
        Assert.False(model.CreateSegmenter().CellposeOptions!.RefineDiameter);
        Assert.True(model.CreateSegmenter(new SegmentOptions { RefineDiameter = true }).CellposeOptions!.RefineDiameter);

        // A zero regression says half the model's diameter for any image.
        double estimate = model.CreateSegmenter().CellposeOptions!.DiameterEstimator!.Estimate(new Image(2, 64, 80))!.Value;
        Assert.Equal(card.Diameter!.Value / 2, estimate, 6);

        foreach (string key in onnx.Metadata.Keys.Where(k => k.StartsWith("segkit.size.", StringComparison.Ordinal)).ToList())
        {
            onnx.Metadata.Remove(key);
        }

        string plainPath = Path.Combine(Path.GetDirectoryName(path)!, "plain.onnx");
        OnnxWriter.WriteFile(plainPath, onnx);
        string refinedPath = Path.Combine(Path.GetDirectoryName(path)!, "refined.onnx");
        OnnxModel refinedOnnx = OnnxReader.ReadFile(path);
        foreach (var (key, value) in (card with { SizeModel = card.SizeModel! with { Refine = true } }).ToMetadata())
        {
            refinedOnnx.Metadata[key] = value;
        }

        OnnxWriter.WriteFile(refinedPath, refinedOnnx);
        using (var refined = SegmentationModel.Load(refinedPath))
        {
            Assert.True(refined.CreateSegmenter().CellposeOptions!.RefineDiameter);
            Assert.False(refined.CreateSegmenter(new SegmentOptions { RefineDiameter = false }).CellposeOptions!.RefineDiameter);
        }

        using var plain = SegmentationModel.Load(plainPath);
        Assert.Null(plain.Card.SizeModel);
        Assert.Null(plain.CreateSegmenter().CellposeOptions!.DiameterEstimator); // no size model: the two-pass estimate
    }

    private sealed class FixedEstimate(double diameter) : IDiameterEstimator
    {
        public double? Estimate(Image input) => diameter;
    }
}

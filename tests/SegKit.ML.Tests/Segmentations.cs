using Microsoft.ML;
using SegKit.Core.Images;
using SegKit.Imaging;
using SegKit.Inference;

namespace SegKit.ML.Tests;

/// <summary>Runs pipelines and the direct segmenters the same way in every test.</summary>
internal static class Segmentations
{
    public static IDataView Paths(MLContext ml, IEnumerable<string> paths) =>
        ml.Data.LoadFromEnumerable(paths.Select(p => new MicroscopyImageInput { ImagePath = p }).ToList());

    public static List<SegmentedCells> Run(MLContext ml, ITransformer model, IEnumerable<string> paths) =>
        ml.Data.CreateEnumerable<SegmentedCells>(model.Transform(Paths(ml, paths)), reuseRowObject: false).ToList();

    public static LabelImage Direct(string modelPath, string imagePath, double? diameter = null)
    {
        using var model = SegmentationModel.Load(modelPath);
        var network = new OnnxTileNetwork(model.Session, model.OutputChannels, model.InputName, model.OutputName);
        Image image = ImageFile.Read(imagePath);
        if (model.Card.Kind == Onnx.SegmentationModelKind.Cellpose)
        {
            return new CellposeSegmenter(network, new CellposeSegmenterOptions
            {
                ModelDiameter = model.Card.Diameter ?? 30,
                Diameter = diameter,
                TileSize = model.Card.TileSize,
            }).Segment(image).Labels;
        }

        return new UNetSegmenter(network, new UNetSegmenterOptions { Classes = model.OutputChannels, TileSize = model.Card.TileSize }).Segment(image).Labels;
    }

    public static void AssertSame(LabelImage expected, SegmentedCells actual, string name)
    {
        Assert.True(actual.Succeeded, actual.ImageError);
        Assert.Equal(expected.Height, actual.Height);
        Assert.Equal(expected.Width, actual.Width);
        int differing = expected.Buffer.Zip(actual.Masks).Count(p => p.First != p.Second);
        Assert.True(differing == 0, $"{name}: {differing} pixels differ between the ML.NET pipeline and the direct segmenter");
        Assert.Equal(expected.CountObjects(), actual.ObjectCount);
    }
}

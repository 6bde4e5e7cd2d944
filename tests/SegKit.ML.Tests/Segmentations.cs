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

    /// <summary>The masks segkit segment gives: SegKit.Inference's factory with the same options as SegmentCells' defaults.</summary>
    public static LabelImage Direct(string modelPath, string imagePath, double? diameter = null, bool estimate = true)
    {
        using var model = SegmentationModel.Load(modelPath);
        return model.CreateSegmenter(new SegmentOptions { Diameter = diameter, EstimateDiameter = estimate }).Segment(ImageFile.Read(imagePath)).Labels;
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

using SegKit.Core.Metrics;
using SegKit.Imaging;
using SegKit.Inference;
using SegKit.Onnx;
using SegKit.Testing;

namespace SegKit.Build.Tests;

/// <summary>
/// What the consumer projects use besides the shared tiny models (<see cref="TinyModels"/>): a card-less ONNX file, a
/// corrupt file, and the reference scores.
/// </summary>
internal static class TestModels
{
    public static void WriteWithoutCard(string path)
    {
        var builder = new GraphBuilder("plain");
        builder.Node("Identity", [builder.Input("image", OnnxElementType.Float, "N", 2, "H", "W")], "flows");
        builder.Output("flows", OnnxElementType.Float, "N", 2, "H", "W");
        OnnxWriter.WriteFile(path, builder.ToModel());
    }

    /// <summary>A 1x1-convolution "U-Net" whose graph is fixed at <paramref name="size"/> pixels while its card says <paramref name="cardTile"/>.</summary>
    public static void WriteFixedSizeUNet(string path, int size, int cardTile)
    {
        var card = new ModelCard
        {
            Kind = SegmentationModelKind.UNet,
            InputChannels = ["gray"],
            Classes = ["background", "nucleus"],
            TileSize = cardTile,
            TrainingData = "none: a fixed-size graph for tests",
            TrainedAt = DateTimeOffset.UnixEpoch,
            SegKitVersion = "test",
        };
        var builder = new GraphBuilder("fixed");
        string x = builder.Input("image", OnnxElementType.Float, "N", 1, size, size);
        string w = builder.Initializer("w", [-4f, 4f], 2, 1, 1, 1);
        builder.Node("Conv", [x, w], "logits");
        builder.Output("logits", OnnxElementType.Float, "N", 2, size, size);
        OnnxWriter.WriteFile(path, builder.ToModel(card.ToMetadata()));
    }

    public static void WriteCorrupt(string path, string source)
    {
        // The first kilobyte of a real model then noise: starts like ONNX, fails inside the protobuf.
        byte[] head = File.ReadAllBytes(source).AsSpan(0, 1024).ToArray();
        var noise = new byte[4096];
        new Random(7).NextBytes(noise);
        File.WriteAllBytes(path, [.. head, .. noise]);
    }

    /// <summary>AP at 0.5 of a model on folders of images and masks, computed in this process as segkit eval does.</summary>
    public static DatasetEvaluation Evaluate(string modelPath, string images, string masks)
    {
        using var model = SegmentationModel.Load(modelPath);
        ModelSegmenter segmenter = model.CreateSegmenter();
        return DatasetEvaluation.Combine(ImageFile.ListImages(images).Select(image => InstanceMetrics.Evaluate(
            LabelImageFile.Read(Path.Combine(masks, Path.GetFileName(image))),
            segmenter.Segment(ImageFile.Read(image)).Labels,
            [0.5])));
    }
}

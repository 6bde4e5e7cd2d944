using SegKit.Core.Metrics;
using SegKit.Export;
using SegKit.Imaging;
using SegKit.Inference;
using SegKit.Onnx;
using SegKit.Testing;
using SegKit.Training.Data;
using SegKit.Training.Models;
using SegKit.Training.Training;
using static TorchSharp.torch;

namespace SegKit.Build.Tests;

/// <summary>
/// The models the consumer projects use: a tiny CellposeNet trained for a few epochs on synthetic nuclei and
/// exported with its card (a real model run, so a real AP), a card-less ONNX file, a corrupt file, and a
/// one-convolution valid-padding U-Net (a 17 x 17 kernel that only reads its centre pixel, so it trims the card's halo of
/// 8 as a valid U-Net does, and thresholds at half the normalised intensity).
/// </summary>
internal static class TestModels
{
    /// <summary>
    /// Training takes a minute on a quiet machine and far longer on a loaded one, so the result is kept in the temporary
    /// folder under the name of its recipe and reused by later runs; change <see cref="Recipe"/> with the recipe.
    /// </summary>
    public static void WriteCellpose(string path)
    {
        string cache = Path.Combine(Path.GetTempPath(), "segkit-build-tests", Recipe + ".onnx");
        if (!File.Exists(cache))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
            string partial = cache + "." + Environment.ProcessId + ".tmp";
            TrainCellpose(partial);
            File.Move(partial, cache, overwrite: true);
        }

        File.Copy(cache, path, overwrite: true);
    }

    private const string Recipe = "cellpose-8-16-32-64-synthetic4x64-40epochs-seed3";

    private static void TrainCellpose(string path)
    {
        string data = SyntheticData.Write(images: 4, size: 64, seed: 1);
        var set = SegmentationDataset.Load(data, ModelKind.Cellpose);
        string run = Directory.CreateTempSubdirectory("segkit-build-train-").FullName;
        var options = new TrainerOptions
        {
            Cellpose = new CellposeNetOptions { Widths = [8, 16, 32, 64] },
            Epochs = 40,
            BatchSize = 4,
            PatchSize = 64,
            LearningRate = 0.01,
            ValidateEvery = 1000,
            ModelDiameter = 13,
            Seed = 3,
        };
        // One thread: on a machine shared with other training runs, two spinning torch threads slow each step tenfold.
        SegKit.Training.TorchRuntime.EnsureLoaded();
        int threads = get_num_threads();
        set_num_threads(1);
        TrainingResult result;
        try
        {
            result = new Trainer(options, run).Run(set, set);
        }
        finally
        {
            set_num_threads(threads);
        }

        var (model, trained, _) = Trainer.LoadModel(result.LastCheckpoint);
        var card = new ModelCard
        {
            Kind = SegmentationModelKind.Cellpose,
            InputChannels = ["cytoplasm", "nucleus"],
            Diameter = trained.ModelDiameter,
            TileSize = 64,
            TrainingData = "synthetic nuclei, 4 images of 64 x 64; 40 epochs (SegKit.Build tests)",
            TrainingSteps = 40,
            TrainedAt = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
            SegKitVersion = "test",
        };
        OnnxWriter.WriteFile(path, CellposeNetExporter.Export((CellposeNet)model, card));
        model.Dispose();
        Directory.Delete(run, recursive: true);
        Directory.Delete(data, recursive: true);
    }

    public static void WriteUNet(string path)
    {
        var card = new ModelCard
        {
            Kind = SegmentationModelKind.UNet,
            InputChannels = ["DAPI stain"],
            Classes = ["background", "nucleus"],
            TileSize = 64,
            Halo = 8,
            TrainingData = "none: a fixed threshold for build tests",
            TrainedAt = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
            SegKitVersion = "test",
        };
        var builder = new GraphBuilder("threshold");
        string x = builder.Input("image", OnnxElementType.Float, "N", 1, "H", "W");
        const int kernel = 17;
        var weights = new float[2 * kernel * kernel];
        weights[(kernel * kernel) / 2] = -1f;
        weights[(kernel * kernel) + ((kernel * kernel) / 2)] = 1f;
        string w = builder.Initializer("w", weights, 2, 1, kernel, kernel);
        string b = builder.Initializer("b", [0.5f, -0.5f], 2);
        builder.Node("Conv", [x, w, b], "logits");
        builder.Output("logits", OnnxElementType.Float, "N", 2, "H-16", "W-16");
        OnnxWriter.WriteFile(path, builder.ToModel(card.ToMetadata()));
    }

    public static void WriteWithoutCard(string path)
    {
        var builder = new GraphBuilder("plain");
        builder.Node("Identity", [builder.Input("image", OnnxElementType.Float, "N", 2, "H", "W")], "flows");
        builder.Output("flows", OnnxElementType.Float, "N", 2, "H", "W");
        OnnxWriter.WriteFile(path, builder.ToModel());
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

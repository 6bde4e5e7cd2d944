using SegKit.Export;
using SegKit.Onnx;
using SegKit.Training.Data;
using SegKit.Training.Models;
using SegKit.Training.Training;
using static TorchSharp.torch;

namespace SegKit.Testing;

/// <summary>
/// The tiny real models the ML.NET and build tests run, made in one place: a CellposeNet (widths 8-64) trained for 80
/// epochs on four synthetic 64 x 64 nuclei images and exported with its card (a real network, so real masks and a real
/// AP), and one-convolution "U-Nets" that threshold the normalised intensity at 0.5, with same padding or with valid
/// padding that trims a halo as a valid U-Net does. Linked into the test projects that reference SegKit.Export.
/// </summary>
internal static class TinyModels
{
    /// <summary>The tile side on every tiny model's card.</summary>
    public const int TileSize = 64;

    /// <summary>Change with the recipe in <see cref="TrainCellpose"/>: the cached file is found by this name.</summary>
    private const string Recipe = "cellpose-8-16-32-64-synthetic4x64-80epochs-seed3";

    private static readonly object Training = new();

    /// <summary>
    /// Copies the trained Cellpose model to <paramref name="path"/>. Training takes a minute on a quiet machine and far
    /// longer on a loaded one, so the model is kept in the temporary folder under its recipe's name and reused by later
    /// runs and by the other test projects.
    /// </summary>
    public static void WriteCellpose(string path)
    {
        string cache = Path.Combine(Path.GetTempPath(), "segkit-test-models", Recipe + ".onnx");
        lock (Training)
        {
            if (!File.Exists(cache))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
                string partial = cache + "." + Environment.ProcessId + ".tmp";
                TrainCellpose(partial);
                File.Move(partial, cache, overwrite: true);
            }
        }

        File.Copy(cache, path, overwrite: true);
    }

    /// <summary>
    /// Writes a "U-Net" of two class logits, background 2 - 4x and foreground 4x - 2 (foreground where the normalised
    /// intensity x is above 0.5). With <paramref name="halo"/> above 0 its kernel is (2 halo + 1) square and reads only its
    /// centre, so the output loses the halo on every side: a valid-padding network, tiled by the overlap-tile scheme.
    /// </summary>
    /// <param name="channel">The card's name for the input channel (a generated predictor names its parameter after it).</param>
    public static void WriteThresholdUNet(string path, string channel, int halo = 0)
    {
        var card = new ModelCard
        {
            Kind = SegmentationModelKind.UNet,
            InputChannels = [channel],
            Classes = ["background", "nucleus"],
            TileSize = TileSize,
            Halo = halo,
            TrainingData = "none: a fixed threshold for tests",
            TrainedAt = DateTimeOffset.UnixEpoch,
            SegKitVersion = "test",
        };
        int kernel = (2 * halo) + 1;
        var weights = new float[2 * kernel * kernel];
        weights[kernel * kernel / 2] = -4f;
        weights[(kernel * kernel) + (kernel * kernel / 2)] = 4f;
        var builder = new GraphBuilder("threshold-unet");
        string x = builder.Input("image", OnnxElementType.Float, "N", 1, "H", "W");
        string w = builder.Initializer("w", weights, 2, 1, kernel, kernel);
        string b = builder.Initializer("b", [2f, -2f], 2);
        builder.Node("Conv", [x, w, b], "logits");
        builder.Output("logits", OnnxElementType.Float, "N", 2, halo == 0 ? "H" : "H-2halo", halo == 0 ? "W" : "W-2halo");
        OnnxWriter.WriteFile(path, builder.ToModel(card.ToMetadata()));
    }

    private static void TrainCellpose(string path)
    {
        string data = SyntheticData.Write(images: 4, size: 64, seed: 1);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.Cellpose);
        string run = Directory.CreateTempSubdirectory("segkit-tiny-train-").FullName;
        var options = new TrainerOptions
        {
            Cellpose = new CellposeNetOptions { Widths = [8, 16, 32, 64] },
            Epochs = 80,
            BatchSize = 4,
            PatchSize = TileSize,
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
            result = new Trainer(options, run).Run(set, null);
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
            TileSize = TileSize,
            TrainingData = "synthetic nuclei, 4 images of 64 x 64; 80 epochs (SegKit test models)",
            TrainingSteps = 80,
            TrainedAt = DateTimeOffset.UnixEpoch,
            SegKitVersion = "test",
        };
        OnnxWriter.WriteFile(path, CellposeNetExporter.Export((CellposeNet)model, card));
        model.Dispose();
        Directory.Delete(run, recursive: true);
        Directory.Delete(data, recursive: true);
    }
}

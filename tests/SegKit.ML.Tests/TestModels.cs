using SegKit.Export;
using SegKit.Onnx;
using SegKit.Testing;
using SegKit.Training;
using SegKit.Training.Data;
using SegKit.Training.Models;
using SegKit.Training.Training;

namespace SegKit.ML.Tests;

/// <summary>
/// Real models for the tests, made once per test run: a tiny CellposeNet trained for a few epochs on synthetic discs and
/// exported to ONNX with its card, and a one-layer "U-Net" (a 1x1 convolution to two class logits) written with
/// GraphBuilder, since no U-Net exporter exists yet.
/// </summary>
public sealed class TestModels
{
    public const int TileSize = 64;

    private static readonly Lazy<TestModels> Instance = new(Create);

    private TestModels(string folder, string cellpose, string unet, string data, double diameter)
    {
        Folder = folder;
        Cellpose = cellpose;
        UNet = unet;
        SyntheticData = data;
        ModelDiameter = diameter;
    }

    public static TestModels Shared => Instance.Value;

    public string Folder { get; }

    public string Cellpose { get; }

    public string UNet { get; }

    /// <summary>images/ and masks/ of synthetic discs (what the Cellpose model was trained on).</summary>
    public string SyntheticData { get; }

    public double ModelDiameter { get; }

    public string SyntheticImages => Path.Combine(SyntheticData, "images");

    public string SyntheticMasks => Path.Combine(SyntheticData, "masks");

    public static string SampleImages => Path.Combine(RepositoryLayout.Root, "models", "samples", "images");

    public static string SampleMasks => Path.Combine(RepositoryLayout.Root, "models", "samples", "masks");

    public static string NewTempFolder() => Directory.CreateTempSubdirectory("segkit-ml-").FullName;

    private static TestModels Create()
    {
        // One torch thread: on a busy machine its spinning intra-op threads made each tiny step take a minute.
        TorchRuntime.EnsureLoaded();
        TorchSharp.torch.set_num_threads(1);
        string folder = NewTempFolder();
        string data = Testing.SyntheticData.Write(images: 4, size: 64, seed: 1);
        var set = SegmentationDataset.Load(data, ModelKind.Cellpose);
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
        var result = new Trainer(options, Path.Combine(folder, "run")).Run(set, null);
        var (model, trained, _) = Trainer.LoadModel(result.LastCheckpoint);
        var card = new ModelCard
        {
            Kind = SegmentationModelKind.Cellpose,
            InputChannels = ["cytoplasm", "nucleus"],
            Diameter = trained.ModelDiameter,
            TileSize = TileSize,
            TrainingData = "synthetic discs (SegKit.ML tests)",
            TrainingSteps = 80,
            TrainedAt = DateTimeOffset.UnixEpoch,
            SegKitVersion = "test",
        };
        string cellpose = Path.Combine(folder, "cellpose.onnx");
        OnnxWriter.WriteFile(cellpose, CellposeNetExporter.Export((CellposeNet)model, card));
        model.Dispose();

        string unet = Path.Combine(folder, "unet.onnx");
        OnnxWriter.WriteFile(unet, ThresholdUNet());
        return new TestModels(folder, cellpose, unet, data, trained.ModelDiameter);
    }

    /// <summary>Two class logits from a gray image: background 2 - 4x, foreground 4x - 2 (foreground where x &gt; 0.5).</summary>
    private static OnnxModel ThresholdUNet()
    {
        var b = new GraphBuilder("threshold-unet");
        string x = b.Input("image", OnnxElementType.Float, "N", 1, "H", "W");
        string w = b.Initializer("w", [-4f, 4f], 2, 1, 1, 1);
        string bias = b.Initializer("b", [2f, -2f], 2);
        b.Node("Conv", [x, w, bias], ["logits"]);
        b.Output("logits", OnnxElementType.Float, "N", 2, "H", "W");
        var card = new ModelCard
        {
            Kind = SegmentationModelKind.UNet,
            InputChannels = ["gray"],
            Classes = ["background", "nucleus"],
            TileSize = TileSize,
            TrainingData = "none: a fixed threshold for tests",
            TrainedAt = DateTimeOffset.UnixEpoch,
            SegKitVersion = "test",
        };
        return b.ToModel(card.ToMetadata());
    }
}

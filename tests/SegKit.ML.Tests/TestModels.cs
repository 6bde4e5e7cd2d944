using SegKit.Onnx;
using SegKit.Testing;

namespace SegKit.ML.Tests;

/// <summary>
/// The shared tiny models (<see cref="TinyModels"/>: a CellposeNet trained on synthetic discs, a threshold "U-Net") copied
/// into this run's folder, and the synthetic images the Cellpose model was trained on.
/// </summary>
public sealed class TestModels
{
    public const int TileSize = TinyModels.TileSize;

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
        string folder = NewTempFolder();
        string data = Testing.SyntheticData.Write(images: 4, size: 64, seed: 1);
        string cellpose = Path.Combine(folder, "cellpose.onnx");
        TinyModels.WriteCellpose(cellpose);
        string unet = Path.Combine(folder, "unet.onnx");
        TinyModels.WriteThresholdUNet(unet, "gray");
        return new TestModels(folder, cellpose, unet, data, ModelCard.ReadFile(cellpose).Diameter!.Value);
    }
}

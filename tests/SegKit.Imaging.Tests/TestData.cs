using SegKit.Core.Images;
using SegKit.Core.IO;

namespace SegKit.Imaging.Tests;

/// <summary>Locates ../shared (real data and Cellpose fixtures) beside the repository, and names the files the tests use.</summary>
internal static class TestData
{
    public static string SharedRoot => SegKit.Testing.RepositoryLayout.Shared;

    public static string DataDir => Path.Combine(SharedRoot, "data");

    public static string FixturesDir => Path.Combine(SharedRoot, "fixtures", "cellpose-v3");

    public static string DsbTrainImages => Path.Combine(DataDir, "nuclei-dsb2018", "train", "images");

    public static string DsbTrainMasks => Path.Combine(DataDir, "nuclei-dsb2018", "train", "masks");

    /// <summary>A grey-in-3-channels 256x256 DSB image (8-bit RGB PNG) whose Cellpose grey conversion is a fixture.</summary>
    public const string Dsb0ed3555a = "0ed3555a4bd48046d3b63d8baf03a5aa97e523aa483aaa07459e7afa39fb96c6.png";

    /// <summary>A 519x253 DSB image stored as 8-bit RGB (no alpha), mask 16-bit.</summary>
    public const string Dsb0999dab0 = "0999dab07b11bc85fb8464fc36c947fbd8b5d6ec49817361cb780659ca805eac.png";

    public static string DsbImage(string name) => Path.Combine(DsbTrainImages, name);

    public static string DsbMask(string name) => Path.Combine(DsbTrainMasks, name);

    /// <summary>Uncompressed little-endian uint16 512x512 TIFF (tifffile), pixel data at byte 256.</summary>
    public static string Stardist512Image => Path.Combine(DataDir, "nuclei-stardist-sample", "images", "stardist_img2d_512.tif");

    /// <summary>Uncompressed uint8 256x256 TIFF, pixel data at byte 256.</summary>
    public static string Stardist256Image => Path.Combine(DataDir, "nuclei-stardist-sample", "images", "stardist_tests_img2d_256.tif");

    public static string Stardist512Mask => Path.Combine(DataDir, "nuclei-stardist-sample", "masks", "stardist_img2d_512.tif");

    public static string Stardist256Mask => Path.Combine(DataDir, "nuclei-stardist-sample", "masks", "stardist_tests_img2d_256.tif");

    public static NpyArray Npy(string name) => NpyFile.Read(Path.Combine(FixturesDir, name));

    /// <summary>A fixture label image ([H, W] integers) as a <see cref="LabelImage"/>.</summary>
    public static LabelImage FixtureLabels(string name)
    {
        NpyArray a = Npy(name);
        return new LabelImage(a.Shape[0], a.Shape[1], (int[])a.ToInt32().Clone());
    }
}

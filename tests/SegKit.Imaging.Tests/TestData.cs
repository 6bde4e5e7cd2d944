using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Testing;

namespace SegKit.Imaging.Tests;

/// <summary>
/// Names the real files the tests read: a few DSB2018 and StarDist images and masks kept in tests/fixtures/data
/// (laid out as in ../shared/data), the Cellpose v3 fixture arrays, and the full sets in ../shared/data that only
/// the opt-in <see cref="RepositoryLayout.SharedDataCategory"/> tests read.
/// </summary>
internal static class TestData
{
    public static string DsbTrainImages => Path.Combine(RepositoryLayout.FixtureData, "nuclei-dsb2018", "train", "images");

    public static string DsbTrainMasks => Path.Combine(RepositoryLayout.FixtureData, "nuclei-dsb2018", "train", "masks");

    /// <summary>All 36 DSB2018 training images in ../shared/data (SharedData tests only).</summary>
    public static string SharedDsbTrainImages => Path.Combine(RepositoryLayout.Data, "nuclei-dsb2018", "train", "images");

    /// <summary>All 36 DSB2018 training masks in ../shared/data (SharedData tests only).</summary>
    public static string SharedDsbTrainMasks => Path.Combine(RepositoryLayout.Data, "nuclei-dsb2018", "train", "masks");

    /// <summary>Two H&amp;E tiles of the DSB2018 stage-1 training set (kept in tests/fixtures).</summary>
    public static string Stage1TrainImages => Path.Combine(RepositoryLayout.FixtureData, "nuclei-dsb2018-stage1-train", "images");

    /// <summary>A grey-in-3-channels 256x256 DSB image (8-bit RGB PNG) whose Cellpose grey conversion is a fixture.</summary>
    public const string Dsb0ed3555a = "0ed3555a4bd48046d3b63d8baf03a5aa97e523aa483aaa07459e7afa39fb96c6.png";

    /// <summary>A 519x253 DSB image stored as 8-bit RGB (no alpha), mask 16-bit.</summary>
    public const string Dsb0999dab0 = "0999dab07b11bc85fb8464fc36c947fbd8b5d6ec49817361cb780659ca805eac.png";

    public static string DsbImage(string name) => Path.Combine(DsbTrainImages, name);

    public static string DsbMask(string name) => Path.Combine(DsbTrainMasks, name);

    private static string StardistSample => Path.Combine(RepositoryLayout.FixtureData, "nuclei-stardist-sample");

    /// <summary>Uncompressed little-endian uint16 512x512 TIFF (tifffile), pixel data at byte 256.</summary>
    public static string Stardist512Image => Path.Combine(StardistSample, "images", "stardist_img2d_512.tif");

    /// <summary>Uncompressed uint8 256x256 TIFF, pixel data at byte 256.</summary>
    public static string Stardist256Image => Path.Combine(StardistSample, "images", "stardist_tests_img2d_256.tif");

    public static string Stardist512Mask => Path.Combine(StardistSample, "masks", "stardist_img2d_512.tif");

    public static string Stardist256Mask => Path.Combine(StardistSample, "masks", "stardist_tests_img2d_256.tif");

    public static NpyArray Npy(string name) => CellposeFixtures.Npy(name);

    /// <summary>A fixture label image ([H, W] integers) as a <see cref="LabelImage"/>.</summary>
    public static LabelImage FixtureLabels(string name)
    {
        NpyArray a = Npy(name);
        return new LabelImage(a.Shape[0], a.Shape[1], (int[])a.ToInt32().Clone());
    }
}

using SegKit.Core.Images;
using SegKit.Core.IO;

namespace SegKit.Core.Tests;

/// <summary>Locates ../shared (real data and Cellpose fixtures) beside the repository, and loads fixture arrays.</summary>
internal static class TestData
{
    public static string SharedRoot => SegKit.Testing.RepositoryLayout.Shared;

    public static string FixturesDir => Path.Combine(SharedRoot, "fixtures", "cellpose-v3");

    public static string DataDir => Path.Combine(SharedRoot, "data");

    /// <summary>The eight label-image cases of the Cellpose v3 fixtures.</summary>
    public static readonly string[] FixtureCases =
        ["dsb_31f1fbe8", "dsb_0ed3555a", "dsb_912a679e", "dsb_4be73d68", "stardist_512", "stardist_256", "synth_ellipses", "synth_shapes"];

    public static string Fixture(string name) => Path.Combine(FixturesDir, name);

    public static NpyArray Npy(string name) => NpyFile.Read(Fixture(name));

    /// <summary>A fixture label image ([H, W] integers) as a <see cref="LabelImage"/>.</summary>
    public static LabelImage Labels(string name)
    {
        NpyArray a = Npy(name);
        Assert.Equal(2, a.Shape.Length);
        return new LabelImage(a.Shape[0], a.Shape[1], (int[])a.ToInt32().Clone());
    }
}

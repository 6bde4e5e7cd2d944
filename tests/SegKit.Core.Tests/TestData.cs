using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Testing;

namespace SegKit.Core.Tests;

/// <summary>Loads the Cellpose v3 fixture arrays kept in the repository (tests/fixtures/cellpose-v3).</summary>
internal static class TestData
{
    /// <summary>The eight label-image cases of the Cellpose v3 fixtures.</summary>
    public static readonly string[] FixtureCases =
        ["dsb_31f1fbe8", "dsb_0ed3555a", "dsb_912a679e", "dsb_4be73d68", "stardist_512", "stardist_256", "synth_ellipses", "synth_shapes"];

    public static string ManifestPath => CellposeFixtures.ManifestPath;

    public static NpyArray Npy(string name) => CellposeFixtures.Npy(name);

    /// <summary>A fixture label image ([H, W] integers) as a <see cref="LabelImage"/>.</summary>
    public static LabelImage Labels(string name)
    {
        NpyArray a = Npy(name);
        Assert.Equal(2, a.Shape.Length);
        return new LabelImage(a.Shape[0], a.Shape[1], (int[])a.ToInt32().Clone());
    }
}

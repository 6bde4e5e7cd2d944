using OpenCvSharp;

namespace SegKit.Imaging.Tests;

/// <summary>Real data beside the repository, scratch folders, and files made with OpenCV for round trips.</summary>
internal static class Files
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Toolkit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("could not find Toolkit.sln above the test binaries");
    });

    public static string Repo => RootPath.Value;

    public static string SampleImage => Path.Combine(Repo, "samples", "images", "dsb_4be73d68.png");

    public static string SampleMask => Path.Combine(Repo, "samples", "masks", "dsb_4be73d68.png");

    public static string StardistDir => Path.GetFullPath(Path.Combine(Repo, "..", "shared", "data", "nuclei-stardist-sample"));

    public static string TempDir() => Directory.CreateTempSubdirectory("segkit-imaging-").FullName;

    public static string Write(string dir, string name, Mat mat)
    {
        string path = Path.Combine(dir, name);
        Assert.True(Cv2.ImWrite(path, mat), $"OpenCV could not write {path}");
        return path;
    }
}

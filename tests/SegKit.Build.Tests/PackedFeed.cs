using System.Diagnostics;
using SegKit.Testing;

namespace SegKit.Build.Tests;

/// <summary>
/// Once per test run: packs SegKit.Build and the library packages into a local feed, makes the test models,
/// and gives consumer projects a nuget.config that restores from that feed into a package folder of their own (with
/// the machine's package folder as a read-only fallback, so ONNX Runtime and OpenCV are not downloaded again).
/// </summary>
public sealed class PackedFeed : IDisposable
{
    public const string Version = "0.0.1-test";

    public PackedFeed()
    {
        Root = Directory.CreateTempSubdirectory("segkit-build-tests-").FullName;
        Feed = Path.Combine(Root, "feed");
        var clock = Stopwatch.StartNew();
        LibraryPackages.Pack(Version, Feed);
        PackSeconds = clock.Elapsed.TotalSeconds;
        string fallback = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(Root, "packages")}" />
              </config>
              <packageSources>
                <clear />
                <add key="segkit-local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{fallback}" />
              </fallbackPackageFolders>
            </configuration>
            """);

        Models = Path.Combine(Root, "models");
        Directory.CreateDirectory(Models);
        clock.Restart();
        TinyModels.WriteCellpose(Cellpose);
        TrainSeconds = clock.Elapsed.TotalSeconds;
        // Valid padding (halo 8), so the generated U-Net predictor and the front-door test run the overlap-tile scheme.
        TinyModels.WriteThresholdUNet(UNet, "DAPI stain", halo: 8);
        TestModels.WriteWithoutCard(WithoutCard);
        TestModels.WriteCorrupt(Corrupt, Cellpose);
        Samples = Path.Combine(RepositoryLayout.Root, "models", "samples");
        Reference = TestModels.Evaluate(Cellpose, Path.Combine(Samples, "images"), Path.Combine(Samples, "masks"));
    }

    /// <summary>Consumer projects live below this folder, so they pick up its nuget.config.</summary>
    public string Root { get; }

    public string Feed { get; }

    public string Models { get; }

    public string Samples { get; }

    public string Cellpose => Path.Combine(Models, "nuclei.onnx");

    public string UNet => Path.Combine(Models, "threshold.onnx");

    public string WithoutCard => Path.Combine(Models, "plain.onnx");

    public string Corrupt => Path.Combine(Models, "corrupt.onnx");

    /// <summary>The tiny model on the sample images, scored in this process the way segkit eval scores.</summary>
    public SegKit.Core.Metrics.DatasetEvaluation Reference { get; }

    public double PackSeconds { get; }

    public double TrainSeconds { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file for a moment; the temporary folder is left to the system then.
        }
    }
}

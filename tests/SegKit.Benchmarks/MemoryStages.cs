using System.Diagnostics;
using SegKit.Core.Images;
using SegKit.Imaging;
using SegKit.Inference;

namespace SegKit.Benchmarks;

/// <summary>
/// Resident memory after each stage of segmenting one image with a model (load, decode, network pass, a second
/// network pass, dynamics, the overlay and the masks written), for docs/performance.md: where the bytes per pixel go. Memory, not time: the timings it
/// prints are one run each.
/// </summary>
internal static class MemoryStages
{
    public static void Run(string modelPath, string imagePath, double diameter, int batch)
    {
        using var process = Process.GetCurrentProcess();
        void Show(string stage)
        {
            process.Refresh();
            Console.WriteLine($"{stage,-22} resident {process.WorkingSet64 >> 20,5} MB  peak {process.PeakWorkingSet64 >> 20,5} MB  managed heap {GC.GetTotalMemory(false) >> 20,5} MB  live {GC.GetTotalMemory(true) >> 20,5} MB");
        }

        Show("start");
        using var model = SegmentationModel.Load(modelPath);
        ModelSegmenter segmenter = model.CreateSegmenter(new SegmentOptions { Diameter = diameter, BatchSize = batch });
        Show("model loaded");
        Image image = ImageFile.Read(imagePath);
        Show($"decoded {image.Width}x{image.Height}");
        var clock = Stopwatch.StartNew();
        var prediction = segmenter.Predict(image);
        Show($"network {clock.Elapsed.TotalSeconds:F1} s");
        clock.Restart();
        prediction = segmenter.Predict(image);
        Show($"network again {clock.Elapsed.TotalSeconds:F1} s");
        var result = segmenter.Masks(prediction, image, segmenter.CellposeOptions!.Dynamics);
        Show($"masks ({result.Labels.MaxLabel} objects)");
        string folder = Directory.CreateTempSubdirectory("segkit-memory-").FullName;
        try
        {
            clock.Restart();
            Overlay.WritePng(Path.Combine(folder, "overlay.png"), image, result.Labels);
            Show($"overlay written {clock.Elapsed.TotalSeconds:F2} s, {new FileInfo(Path.Combine(folder, "overlay.png")).Length >> 10} KB");
            LabelImageFile.Write(Path.Combine(folder, "masks.tif"), result.Labels);
            Show("masks written");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

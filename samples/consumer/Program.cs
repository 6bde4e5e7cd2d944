using System.Globalization;
using SegKit.Consumer;

// Segments each image named on the command line (default: the bundled samples) with the model the build embedded.
string[] images = args.Length > 0 ? args : Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "models", "samples", "images"), "*.png");
using var segmenter = NucleiSegmenter.Create(new NucleiSegmenterOptions { IntraOpThreads = 2 });
Console.WriteLine($"model: {segmenter.Card.TrainingData}");
foreach (string image in images)
{
    NucleiSegmenterResult result = segmenter.Segment(image);
    double meanArea = result.Objects.Count == 0 ? 0 : result.Objects.Average(o => o.Area);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(image)}: {result.Objects.Count} nuclei, mean area {meanArea:0.0} px"));
}

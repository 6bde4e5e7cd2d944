using System.Globalization;
using SegKit.Build.Validator;
using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Core.Metrics;
using SegKit.Imaging;
using SegKit.Inference;
using SegKit.Onnx;

// The SegKit.Build validator: segments each validation image through SegmentationModel.CreateSegmenter with SegKit's
// default options, the very call `segkit eval --model` makes (card channels, bright-background inversion, diameter
// estimated per image, U-Net halo), scores it against its mask at the requested IoU threshold, sums the counts over the
// data set and prints one result line. Failures print one line "SEGKxxxx: message" (no stack trace)
// and exit 2 (bad input) or 3 (anything else): the build shows that line as its error.
if (args.Length != 1)
{
    Console.Error.WriteLine("SEGK1002: usage: SegKit.Build.Validator REQUEST_FILE (the build task writes it)");
    return 3;
}

try
{
    ValidationRequest request = ValidationRequest.Read(args[0]);
    using var model = SegmentationModel.Load(request.Model);
    ModelSegmenter segmenter = model.CreateSegmenter(SegmentOptions.Default);
    var results = new List<(ValidationPair, InstanceEvaluation, string)>();
    foreach (ValidationPair pair in request.Pairs)
    {
        LabelImage truth = LabelImageFile.Read(pair.Mask);
        Image image = ImageFile.Read(pair.Image);
        if (image.Height != truth.Height || image.Width != truth.Width)
        {
            Console.Error.WriteLine($"SEGK0102: validation image {pair.Image} is {image.Height}x{image.Width} but its mask {pair.Mask} is {truth.Height}x{truth.Width}");
            return 2;
        }

        LabelImage predicted = segmenter.Segment(image, pair.Image).Labels;
        results.Add((pair, InstanceMetrics.Evaluate(truth, predicted, [request.IoUThreshold]), ValidationReport.Digest(predicted)));
        Console.WriteLine($"{pair.Name}: {results[^1].Item2.Scores[0]}");
    }

    DatasetEvaluation total = DatasetEvaluation.Combine(results.Select(r => r.Item2));
    ValidationReport.Write(request, results, total);
    ThresholdScores s = total.Scores[0];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SEGKIT-RESULT ap={s.AveragePrecision:R} images={total.ImageCount} tp={s.TruePositives} fp={s.FalsePositives} fn={s.FalseNegatives}"));
    return 0;
}
catch (Exception e) when (e is SegKitException or OnnxFormatException or IOException or UnauthorizedAccessException or FormatException)
{
    Console.Error.WriteLine($"SEGK1002: {e.Message}");
    return 3;
}
catch (Exception e)
{
    // Native or unexpected failures: the message and type, not the stack, reach the build log.
    Console.Error.WriteLine($"SEGK1002: the validator failed: {e.GetType().Name}: {e.Message}");
    return 3;
}

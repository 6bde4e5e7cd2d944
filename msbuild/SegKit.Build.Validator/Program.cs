using System.Globalization;
using SegKit.Build.Validator;
using SegKit.Core;
using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Core.Metrics;
using SegKit.Imaging;
using SegKit.Inference;
using SegKit.Onnx;

// The SegKit.Build validator: segments each validation image as `segkit eval --model` does (the model's own
// diameter, no flips, default minimum size), scores it against its mask at the requested IoU threshold, sums the
// counts over the data set and prints one result line. Failures print one line "SEGKxxxx: message" (no stack trace)
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
    Func<Image, LabelImage> segment = Segmentation(model);
    var results = new List<(ValidationPair, InstanceEvaluation)>();
    foreach (ValidationPair pair in request.Pairs)
    {
        LabelImage truth = LabelImageFile.Read(pair.Mask);
        Image image = ImageFile.Read(pair.Image);
        if (image.Height != truth.Height || image.Width != truth.Width)
        {
            Console.Error.WriteLine($"SEGK0102: validation image {pair.Image} is {image.Height}x{image.Width} but its mask {pair.Mask} is {truth.Height}x{truth.Width}");
            return 2;
        }

        results.Add((pair, InstanceMetrics.Evaluate(truth, segment(image), [request.IoUThreshold])));
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

// The same post-processing choices as segkit eval --model (ModelSegmentation in the CLI), so both report the same AP.
static Func<Image, LabelImage> Segmentation(SegmentationModel model)
{
    ModelCard card = model.Card;
    int tile = card.TileSize > 0 ? card.TileSize : 224;
    var network = new OnnxTileNetwork(model.Session, model.OutputChannels, model.InputName, model.OutputName);
    if (card.Kind == SegmentationModelKind.Cellpose)
    {
        var cellpose = new CellposeSegmenter(network, new CellposeSegmenterOptions
        {
            ModelDiameter = card.Diameter ?? 30,
            TileSize = tile,
            Dynamics = new DynamicsOptions { MinSize = DynamicsOptions.Default.MinSize },
        });
        return image => cellpose.Segment(image).Labels;
    }

    var unet = new UNetSegmenter(network, new UNetSegmenterOptions { Classes = model.OutputChannels, TileSize = tile, MinSize = DynamicsOptions.Default.MinSize });
    return image => unet.Segment(image).Labels;
}

using Microsoft.ML.OnnxRuntime;
using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Inference;
using SegKit.Onnx;

namespace SegKit.Cli;

/// <summary>Turns an ONNX model and its card into the segment function segkit segment applies to every image.</summary>
internal static class ModelSegmentation
{
    public static Func<Image, LabelImage> Create(string modelPath, InferenceSession session, double? diameter, bool estimateDiameter, bool augment, int minSize)
    {
        ModelCard card;
        try
        {
            card = ModelCard.ReadFile(modelPath);
        }
        catch (OnnxFormatException e)
        {
            throw new ModelLoadException(e.Message.StartsWith(modelPath, StringComparison.Ordinal) ? e.Message[(modelPath.Length + 1)..].Trim(' ', ':') : e.Message, modelPath, e);
        }

        int tile = card.TileSize > 0 ? card.TileSize : 224;
        if (card.Kind == SegmentationModelKind.Cellpose)
        {
            var segmenter = new CellposeSegmenter(new OnnxTileNetwork(session, 3), new CellposeSegmenterOptions
            {
                ModelDiameter = card.Diameter ?? 30,
                Diameter = diameter,
                EstimateDiameter = estimateDiameter,
                TileSize = tile,
                FlipAugmentation = augment,
                Dynamics = new DynamicsOptions { MinSize = minSize },
            });
            return image => segmenter.Segment(image).Labels;
        }

        int classes = card.Classes?.Count ?? 2;
        var unet = new UNetSegmenter(new OnnxTileNetwork(session, classes), new UNetSegmenterOptions { Classes = classes, TileSize = tile, MinSize = minSize });
        return image => unet.Segment(image).Labels;
    }
}

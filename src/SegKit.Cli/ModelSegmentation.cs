using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Inference;
using SegKit.Onnx;

namespace SegKit.Cli;

/// <summary>Turns a loaded model and its card into the segment function segkit segment applies to every image.</summary>
internal static class ModelSegmentation
{
    public static Func<Image, LabelImage> Create(SegmentationModel model, double? diameter, bool estimateDiameter, bool augment, int minSize)
    {
        ModelCard card = model.Card;
        int tile = card.TileSize > 0 ? card.TileSize : 224;
        var network = new OnnxTileNetwork(model.Session, model.OutputChannels, model.InputName, model.OutputName);
        if (card.Kind == SegmentationModelKind.Cellpose)
        {
            var segmenter = new CellposeSegmenter(network, new CellposeSegmenterOptions
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

        var unet = new UNetSegmenter(network, new UNetSegmenterOptions { Classes = model.OutputChannels, TileSize = tile, Halo = card.Halo, MinSize = minSize });
        return image => unet.Segment(image).Labels;
    }
}

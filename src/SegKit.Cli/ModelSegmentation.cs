using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Inference;
using SegKit.Onnx;

namespace SegKit.Cli;

/// <summary>Turns a loaded model and its card into the segment function segkit segment applies to every image.</summary>
internal static class ModelSegmentation
{
    /// <param name="channels">Overrides the card's channel selection (--channels).</param>
    public static Func<Image, string, SegmentationResult> Create(SegmentationModel model, ChannelSelection? channels, double? diameter, bool estimateDiameter, bool augment, DynamicsOptions dynamics)
    {
        ModelCard card = model.Card;
        int tile = card.TileSize > 0 ? card.TileSize : 224;
        var network = new OnnxTileNetwork(model.Session, model.OutputChannels, model.InputName, model.OutputName);
        ChannelSelection selection = channels ?? ModelChannels.Selection(card);
        if (card.Kind == SegmentationModelKind.Cellpose)
        {
            var segmenter = new CellposeSegmenter(network, new CellposeSegmenterOptions
            {
                Channels = selection,
                InvertBrightBackground = card.InvertBrightBackground,
                ModelDiameter = card.Diameter ?? 30,
                Diameter = diameter,
                EstimateDiameter = estimateDiameter,
                TileSize = tile,
                FlipAugmentation = augment,
                Dynamics = dynamics,
            });
            return (image, path) =>
            {
                ModelChannels.Check(image, selection, path);
                return segmenter.Segment(image);
            };
        }

        var unet = new UNetSegmenter(network, new UNetSegmenterOptions { Classes = model.OutputChannels, TileSize = tile, Halo = card.Halo, MinSize = dynamics.MinSize });
        return (image, path) =>
        {
            ModelChannels.Check(image, selection, path);
            return unet.Segment(selection.Cytoplasm == ImageChannel.Gray ? image : new Image(1, image.Height, image.Width, image.SelectChannels(selection).Plane(0).ToArray()));
        };
    }

    /// <summary>The card a foreign ONNX file (no SegKit card) is run with, from --kind and friends.</summary>
    public static ModelCard OverrideCard(string kind, ChannelSelection channels, double modelDiameter)
    {
        SegmentationModelKind modelKind = kind == "unet" ? SegmentationModelKind.UNet : SegmentationModelKind.Cellpose;
        return new ModelCard
        {
            Kind = modelKind,
            InputChannels = ModelChannels.Describe(channels, modelKind),
            Diameter = modelKind == SegmentationModelKind.Cellpose ? modelDiameter : null,
            Classes = modelKind == SegmentationModelKind.UNet ? ["background", "foreground"] : null,
            TileSize = modelKind == SegmentationModelKind.Cellpose ? 224 : 256,
        };
    }
}

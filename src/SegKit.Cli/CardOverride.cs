using SegKit.Core.Images;
using SegKit.Inference;
using SegKit.Onnx;

namespace SegKit.Cli;

/// <summary>The card a foreign ONNX file (no SegKit card) is run with, from segment's --kind, --channels and --model-diameter.</summary>
internal static class CardOverride
{
    /// <summary>Tile sides of SegKit's recipes, for files that cannot say: Cellpose's 224 and the U-Net recipes' 256.</summary>
    private const int CellposeTileSize = 224;
    private const int UNetTileSize = 256;

    public static ModelCard For(string kind, ChannelSelection channels, double modelDiameter)
    {
        SegmentationModelKind modelKind = kind == "unet" ? SegmentationModelKind.UNet : SegmentationModelKind.Cellpose;
        return new ModelCard
        {
            Kind = modelKind,
            InputChannels = ModelChannels.Describe(channels, modelKind),
            Diameter = modelKind == SegmentationModelKind.Cellpose ? modelDiameter : null,
            Classes = modelKind == SegmentationModelKind.UNet ? ["background", "foreground"] : null,
            TileSize = modelKind == SegmentationModelKind.Cellpose ? CellposeTileSize : UNetTileSize,
        };
    }
}

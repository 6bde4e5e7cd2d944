using SegKit.Core.Images;
using SegKit.Core.Tiling;
using SegKit.Inference;
using SegKit.Onnx;

namespace SegKit.Cli;

/// <summary>The card a foreign ONNX file (no SegKit card) is run with, from segment's --kind, --channels and --model-diameter.</summary>
internal static class CardOverride
{
    /// <summary>The U-Net recipes' tile side, for files that cannot say (Cellpose files get Cellpose's).</summary>
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
            TileSize = modelKind == SegmentationModelKind.Cellpose ? TilePlan.DefaultTileSize : UNetTileSize,
        };
    }
}

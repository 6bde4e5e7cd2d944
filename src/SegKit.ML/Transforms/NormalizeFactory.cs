using Microsoft.ML.Transforms;
using SegKit.Core.Images;
using SegKit.Core.Transforms;
using SegKit.ML.Settings;

namespace SegKit.ML.Transforms;

/// <summary>Channel selection (as read, gray, or Cellpose's [cytoplasm, nucleus]) and percentile normalisation per channel.</summary>
[CustomMappingFactoryAttribute(Contract)]
public sealed class NormalizeFactory : CustomMappingFactory<NormalizeInputRow, NormalizedRow>
{
    public const string Contract = "SegKit.NormalizePercentiles.v1";

    public override Action<NormalizeInputRow, NormalizedRow> GetMapping() => Map;

    internal static void Map(NormalizeInputRow input, NormalizedRow output)
    {
        var settings = NormalizeSettings.Parse(input.Settings);
        if (input.Image.Length == 0)
        {
            output.Normalized = [];
            output.Channels = 0;
            return;
        }

        var image = new Image(input.Channels, input.Height, input.Width, input.Image);
        Image selected = settings.Channels switch
        {
            ChannelMapping.Gray => image.Channels == 1 ? image : image.ToGray(),
            ChannelMapping.Cellpose => image.SelectChannels(settings.Selection),
            _ => image,
        };
        Image normalized = Normalization.Normalize99(selected, settings.LowPercentile, settings.HighPercentile);
        if (settings.InvertBrightBackground)
        {
            Normalization.InvertIfBrightBackground(normalized, image);
        }

        output.Normalized = normalized.Buffer;
        output.Channels = normalized.Channels;
    }
}

using Microsoft.ML.Transforms;
using SegKit.Core.Images;
using SegKit.Inference;
using SegKit.ML.Settings;

namespace SegKit.ML.Transforms;

/// <summary>
/// The whole model in one step: SegKit.Inference's <see cref="ModelSegmenter"/> on each loaded image, for what a chain of
/// single-pass steps cannot do (a Cellpose diameter estimated per image needs a second pass at a scale only the first
/// pass tells; a valid-padding U-Net tiles with its halo). The masks are those of segkit segment by construction.
/// </summary>
[CustomMappingFactoryAttribute(Contract)]
public sealed class SegmentImagesFactory : CustomMappingFactory<SegmentInputRow, MasksRow>
{
    public const string Contract = "SegKit.SegmentImages.v1";

    public override Action<SegmentInputRow, MasksRow> GetMapping() => Map;

    internal static void Map(SegmentInputRow input, MasksRow output)
    {
        var settings = SegmentSettings.Parse(input.Settings);
        if (input.Image.Length == 0)
        {
            output.Set(null);
            return;
        }

        LoadedNetwork network = NetworkCache.Get(settings.Network);
        var segmenter = ModelSegmenter.Create(network.Network, network.Card, settings.Options, network.Style);
        var image = new Image(input.Channels, input.Height, input.Width, input.Image);
        output.Set(segmenter.Segment(image).Labels);
    }
}

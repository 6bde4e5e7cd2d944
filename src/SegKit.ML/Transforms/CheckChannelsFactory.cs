using Microsoft.ML.Transforms;
using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Inference;
using SegKit.ML.Settings;

namespace SegKit.ML.Transforms;

/// <summary>
/// After loading, for a model that reads a colour channel (a card's cytoplasm:green): an image without that channel (a
/// grey image among colour ones) becomes a bad row, with an empty image and an error naming the file, as a missing file
/// does, instead of failing the run in a later step. The other rows pass unchanged.
/// </summary>
[CustomMappingFactoryAttribute(Contract)]
public sealed class CheckChannelsFactory : CustomMappingFactory<CheckChannelsInputRow, LoadedImageRow>
{
    public const string Contract = "SegKit.CheckChannels.v1";

    public override Action<CheckChannelsInputRow, LoadedImageRow> GetMapping() => Map;

    internal static void Map(CheckChannelsInputRow input, LoadedImageRow output)
    {
        var settings = ChannelCheckSettings.Parse(input.Settings);
        output.Image = input.Image;
        output.Channels = input.Channels;
        output.Height = input.Height;
        output.Width = input.Width;
        output.Error = input.Error;
        if (input.Image.Length == 0)
        {
            return;
        }

        try
        {
            ModelChannels.Check(new Image(input.Channels, input.Height, input.Width, input.Image), settings.Selection, input.ImagePath);
        }
        catch (InvalidImageException e)
        {
            output.Fail(input.ImagePath, e);
        }
    }
}

using System.Globalization;
using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Onnx;

namespace SegKit.Inference;

/// <summary>
/// What image channels feed a model, read from its card. A card channel is "role" or "role:source", where the source is
/// gray, red, green, blue, haematoxylin or none (Cellpose's channel codes 0-3 and SegKit's 4); a bare role means what Cellpose's default
/// channels=[0,0] does: the first channel is the grayscale image, the second is empty.
/// </summary>
public static class ModelChannels
{
    /// <summary>The channel selection the card describes.</summary>
    public static ChannelSelection Selection(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        IReadOnlyList<string> channels = card.InputChannels;
        ImageChannel first = channels.Count > 0 ? Source(channels[0], ImageChannel.Gray) : ImageChannel.Gray;
        ImageChannel second = channels.Count > 1 ? Source(channels[1], ImageChannel.None) : ImageChannel.None;
        return new ChannelSelection(first, second);
    }

    /// <summary>
    /// The selection that feeds an image whose planes already hold the card's channels in the card's order (what a
    /// generated predictor's named-channel overloads build): plane 1 as cytoplasm and plane 2 as nucleus, or the one plane.
    /// </summary>
    public static ChannelSelection InCardOrder(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        return card.InputChannels.Count >= 2 ? new ChannelSelection(ImageChannel.Red, ImageChannel.Green) : ChannelSelection.Gray;
    }

    /// <summary>The card form of a selection, e.g. ["cytoplasm:gray", "nucleus:none"].</summary>
    public static IReadOnlyList<string> Describe(ChannelSelection selection, SegmentationModelKind kind)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return kind == SegmentationModelKind.Cellpose
            ? [$"cytoplasm:{Name(selection.Cytoplasm)}", $"nucleus:{Name(selection.Nucleus)}"]
            : [$"image:{Name(selection.Cytoplasm)}"];
    }

    /// <summary>
    /// Refuses, before any work, an image that lacks a channel the selection reads (a grey image for a model that reads
    /// green and blue), naming the image.
    /// </summary>
    public static void Check(Image image, ChannelSelection selection, string? imageName)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(selection);
        foreach (ImageChannel channel in new[] { selection.Cytoplasm, selection.Nucleus })
        {
            if (channel is ImageChannel.Red or ImageChannel.Green or ImageChannel.Blue && (int)channel > image.Channels)
            {
                throw new InvalidImageException(
                    string.Create(CultureInfo.InvariantCulture, $"has {image.Channels} channel(s) but the model reads {Name(channel)} (channel {(int)channel}); choose other channels (e.g. --channels 0,0 for grayscale)"),
                    imageName);
            }
        }
    }

    private static ImageChannel Source(string description, ImageChannel bare)
    {
        int colon = description.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return bare;
        }

        return description[(colon + 1)..].Trim().ToLowerInvariant() switch
        {
            "gray" or "grey" => ImageChannel.Gray,
            "red" => ImageChannel.Red,
            "green" => ImageChannel.Green,
            "blue" => ImageChannel.Blue,
            "haematoxylin" or "hematoxylin" => ImageChannel.Haematoxylin,
            "none" => ImageChannel.None,
            string other => throw new ArgumentException($"the model card's channel '{description}' has an unknown source '{other}' (gray, red, green, blue, haematoxylin or none)", nameof(description)),
        };
    }

    private static string Name(ImageChannel channel) => channel.ToString().ToLowerInvariant();
}

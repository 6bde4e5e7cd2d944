namespace SegKit.Core.Images;

/// <summary>Which input channels feed a Cellpose-style network: cytoplasm (or the only stain) and an optional nucleus stain.</summary>
public sealed record ChannelSelection(ImageChannel Cytoplasm, ImageChannel Nucleus = ImageChannel.None)
{
    /// <summary>Grayscale, no nucleus channel: Cellpose's channels=[0,0].</summary>
    public static ChannelSelection Gray { get; } = new(ImageChannel.Gray);

    /// <summary>
    /// Parses Cellpose's two-number form, e.g. "2,3" (cytoplasm green, nucleus blue); nucleus 0 means none. SegKit adds
    /// 4, haematoxylin (<see cref="ImageChannel.Haematoxylin"/>).
    /// </summary>
    public static ChannelSelection FromCellpose(int cytoplasm, int nucleus)
    {
        if (cytoplasm is < 0 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(cytoplasm), cytoplasm, "cytoplasm channel must be 0 (gray), 1 (red), 2 (green), 3 (blue) or 4 (haematoxylin)");
        }

        if (nucleus is < 0 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(nucleus), nucleus, "nucleus channel must be 0 (none), 1 (red), 2 (green), 3 (blue) or 4 (haematoxylin)");
        }

        return new ChannelSelection((ImageChannel)cytoplasm, nucleus == 0 ? ImageChannel.None : (ImageChannel)nucleus);
    }
}

namespace SegKit.Core.Images;

/// <summary>
/// Cellpose's channel codes: 0 = gray (or none, for the nucleus), 1 = red, 2 = green, 3 = blue; and SegKit's 4, the
/// haematoxylin stain of a brightfield colour image.
/// </summary>
public enum ImageChannel
{
    /// <summary>No channel (only meaningful for the nucleus).</summary>
    None = -1,

    /// <summary>Mean of the colour channels.</summary>
    Gray = 0,

    Red = 1,

    Green = 2,

    Blue = 3,

    /// <summary>
    /// The amount of haematoxylin (the nuclear stain of H&amp;E) by colour deconvolution, for stained colour images with a
    /// bright background; zeros for any other image (grey, fluorescence), which carries no such stain.
    /// </summary>
    Haematoxylin = 4,
}

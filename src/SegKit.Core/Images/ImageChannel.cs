namespace SegKit.Core.Images;

/// <summary>Cellpose's channel codes: 0 = gray (or none, for the nucleus), 1 = red, 2 = green, 3 = blue.</summary>
public enum ImageChannel
{
    /// <summary>No channel (only meaningful for the nucleus).</summary>
    None = -1,

    /// <summary>Mean of the colour channels.</summary>
    Gray = 0,

    Red = 1,

    Green = 2,

    Blue = 3,
}

namespace SegKit.Core.Classical;

/// <summary>Whether objects are brighter than the background (fluorescence) or darker (brightfield, stained tissue).</summary>
public enum ForegroundPolarity
{
    /// <summary>Decide per image: after Otsu, the smaller class is the objects.</summary>
    Auto,

    Bright,

    Dark,
}

namespace SegKit.Core.Tiling;

/// <summary>What a tile sees beyond the image's edge.</summary>
public enum TilePadding
{
    /// <summary>The image mirrored (reflect-101), only where it is smaller than a tile: SegKit's own models.</summary>
    Mirror,

    /// <summary>
    /// Zeros, as Cellpose v3's run_net pads (pad_image_ND): 8 pixels on each side plus what makes each side a multiple
    /// of 16, and more zeros where that is still smaller than a tile. Models imported from Cellpose use it, so the
    /// network sees exactly the windows Cellpose gives it.
    /// </summary>
    Cellpose,
}

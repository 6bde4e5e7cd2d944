using SegKit.Core.Images;

namespace SegKit.Cli;

/// <summary>
/// A full garbage collection between the stages of one large image's segmentation (decoded, network pass, dynamics,
/// outputs). Each stage leaves image-sized arrays behind as garbage, and the collector left to itself does not reclaim
/// large-object garbage before the next stage allocates its own: a 2048 x 2048 RGB image held packed peaked at 563 MB
/// without these collections. Small images skip them: their arrays are small, and a collection per stage would cost a
/// batch of them time for nothing.
/// </summary>
internal static class StageMemory
{
    /// <summary>Images of this many pixels (one megapixel) or more are collected for between stages.</summary>
    public const long MinimumPixels = 1 << 20;

    /// <summary>Collects when <paramref name="image"/>, the image being segmented, is large enough for it to pay.</summary>
    public static void Release(PackedImage image)
    {
        if ((long)image.Height * image.Width >= MinimumPixels)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }
}

using SegKit.Core.Images;

namespace SegKit.Core.Blocks;

/// <summary>An image that can be read region by region, so that only a block of it is ever in memory (disposing it closes its file).</summary>
public interface IImageBlockSource : IDisposable
{
    int Height { get; }

    int Width { get; }

    int Channels { get; }

    /// <summary>The region's pixels (all channels, values as stored).</summary>
    Image Read(BlockRegion region);

    /// <summary>Parts of the image that could not be read (e.g. a corrupt TIFF tile, read as zeros), each named; empty when all was read.</summary>
    IReadOnlyList<string> Problems { get; }
}

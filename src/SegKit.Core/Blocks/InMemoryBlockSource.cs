using SegKit.Core.Images;

namespace SegKit.Core.Blocks;

/// <summary>An image already in memory, read by blocks (formats without block access: PNG, JPEG; and tests).</summary>
public sealed class InMemoryBlockSource(Image image) : IImageBlockSource
{
    private readonly Image _image = image ?? throw new ArgumentNullException(nameof(image));

    public int Height => _image.Height;

    public int Width => _image.Width;

    public int Channels => _image.Channels;

    public IReadOnlyList<string> Problems => [];

    public Image Read(BlockRegion region) => _image.Crop(region.Top, region.Left, region.Height, region.Width);

    /// <summary>Nothing to close: the image stays the caller's.</summary>
    public void Dispose()
    {
    }
}

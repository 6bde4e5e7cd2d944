using SegKit.Core;

namespace SegKit.Imaging.Formats;

/// <summary>
/// A file's format, recognised from its leading bytes (never its extension), and what its header says.
/// Keeps the TIFF page list so that a chosen page can be decoded on its own.
/// </summary>
internal sealed class ImageHeader
{
    private ImageHeader(ImageFileInfo info, TiffStructure? tiff)
    {
        Info = info;
        Tiff = tiff;
    }

    public ImageFileInfo Info { get; }

    /// <summary>The page list when the file is a TIFF; null otherwise.</summary>
    public TiffStructure? Tiff { get; }

    public static ImageHeader Read(Stream stream, string path)
    {
        var reader = new HeaderReader(stream, path);
        if (reader.Length == 0)
        {
            throw new InvalidImageException("the file is empty (0 bytes)", path);
        }

        Span<byte> start = stackalloc byte[8];
        int n = (int)Math.Min(reader.Length, start.Length);
        reader.ReadExactly(0, start[..n], "the file signature");
        start = start[..n];
        if (PngHeader.HasSignature(start))
        {
            return new ImageHeader(PngHeader.Read(reader), null);
        }

        if (TiffHeader.HasSignature(start))
        {
            TiffStructure tiff = TiffHeader.Read(reader);
            return new ImageHeader(tiff.Describe(path, 0), tiff);
        }

        if (JpegHeader.HasSignature(start))
        {
            return new ImageHeader(JpegHeader.Read(reader), null);
        }

        throw new InvalidImageException($"not a PNG, TIFF or JPEG image (its first bytes are {Convert.ToHexString(start[..Math.Min(4, n)])})", path);
    }

    /// <summary>The description of one page (pages other than 0 exist only in TIFF files).</summary>
    public ImageFileInfo Page(int page) => page == 0 || Tiff is null ? Info : Tiff.Describe(Info.Path, page);
}

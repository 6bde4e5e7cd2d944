namespace SegKit.Imaging;

/// <summary>
/// What an image file holds, from its header alone (no pixel is decoded). <see cref="Channels"/> is the number
/// of channels <see cref="ImageFile.Read"/> returns: palette PNGs expand to RGB (RGBA with transparency) and
/// grey-with-alpha PNGs to RGBA, as the decoder delivers them. For TIFF the fields describe the first page.
/// </summary>
public sealed record ImageFileInfo(
    string Path,
    ImageFormat Format,
    int Width,
    int Height,
    int Channels,
    SampleType SampleType,
    int PageCount)
{
    public int BitsPerSample => SampleType switch
    {
        SampleType.UInt8 or SampleType.Int8 => 8,
        SampleType.UInt16 or SampleType.Int16 or SampleType.Float16 => 16,
        SampleType.UInt32 or SampleType.Int32 or SampleType.Float32 => 32,
        _ => 64,
    };

    public bool IsFloatingPoint => SampleType is SampleType.Float16 or SampleType.Float32 or SampleType.Float64;
}

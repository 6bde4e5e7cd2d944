namespace SegKit.Imaging.Formats;

/// <summary>One image file directory (page) of a TIFF: where it is and the tags that say how to read it.</summary>
internal sealed record TiffPage(
    long IfdOffset,
    int Width,
    int Height,
    int SamplesPerPixel,
    int BitsPerSample,
    int SampleFormat,
    int Photometric,
    int Compression,
    TiffDataLayout Layout)
{
    private const int SampleFormatUnsigned = 1;
    private const int SampleFormatSigned = 2;
    private const int SampleFormatFloat = 3;
    private const int SampleFormatVoid = 4;
    private const int PhotometricPalette = 3;

    /// <summary>TIFF's "no compression" code.</summary>
    public const int Uncompressed = 1;

    /// <summary>Palette pages decode to RGB; everything else keeps its sample count.</summary>
    public int Channels => Photometric == PhotometricPalette ? 3 : SamplesPerPixel;

    /// <summary>The sample type, or null when the decoder has no matching type (64-bit integers, odd bit counts).</summary>
    public SampleType? SampleType => (SampleFormat, BitsPerSample) switch
    {
        (SampleFormatUnsigned or SampleFormatVoid, <= 8) when BitsPerSample is 1 or 2 or 4 or 8 => Imaging.SampleType.UInt8,
        (SampleFormatUnsigned or SampleFormatVoid, 16) => Imaging.SampleType.UInt16,
        (SampleFormatUnsigned or SampleFormatVoid, 32) => Imaging.SampleType.UInt32,
        (SampleFormatSigned, 8) => Imaging.SampleType.Int8,
        (SampleFormatSigned, 16) => Imaging.SampleType.Int16,
        (SampleFormatSigned, 32) => Imaging.SampleType.Int32,
        (SampleFormatFloat, 16) => Imaging.SampleType.Float16,
        (SampleFormatFloat, 32) => Imaging.SampleType.Float32,
        (SampleFormatFloat, 64) => Imaging.SampleType.Float64,
        _ => null,
    };
}

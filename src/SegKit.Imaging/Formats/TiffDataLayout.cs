namespace SegKit.Imaging.Formats;

/// <summary>Where a TIFF page's pixel data lies: strip (or tile) offsets and byte counts, rows per strip, planar configuration.</summary>
internal sealed record TiffDataLayout(
    long[] Offsets,
    long[]? ByteCounts,
    int RowsPerStrip,
    int PlanarConfiguration,
    bool Tiled)
{
    /// <summary>Samples of a pixel stored together (RGBRGB...), TIFF's default.</summary>
    public const int Chunky = 1;
}

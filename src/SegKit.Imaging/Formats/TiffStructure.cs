using System.Buffers.Binary;
using SegKit.Core;

namespace SegKit.Imaging.Formats;

/// <summary>The byte order, flavour (classic or BigTIFF) and page list of a TIFF file.</summary>
internal sealed class TiffStructure
{
    public TiffStructure(bool littleEndian, bool bigTiff, IReadOnlyList<TiffPage> pages)
    {
        LittleEndian = littleEndian;
        BigTiff = bigTiff;
        Pages = pages;
    }

    public bool LittleEndian { get; }

    public bool BigTiff { get; }

    public IReadOnlyList<TiffPage> Pages { get; }

    public ImageFileInfo Describe(string path, int page)
    {
        TiffPage p = Pages[page];
        SampleType type = p.SampleType
            ?? throw new InvalidImageException($"TIFF page {page} has {p.BitsPerSample}-bit samples of format {p.SampleFormat}, which cannot be read (supported: 8/16/32-bit integers, 16/32/64-bit floats)", path);
        return new ImageFileInfo(path, ImageFormat.Tiff, p.Width, p.Height, p.Channels, type, Pages.Count);
    }

    /// <summary>
    /// Makes <paramref name="page"/> the first page of the in-memory copy <paramref name="file"/>, by rewriting the
    /// header's pointer to the first directory. A decoder that reads only the first page then reads that one,
    /// so picking page k of a stack decodes one page, not all of them.
    /// </summary>
    public void MakeFirstPage(Span<byte> file, int page)
    {
        long offset = Pages[page].IfdOffset;
        if (BigTiff)
        {
            if (LittleEndian)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(file[8..], (ulong)offset);
            }
            else
            {
                BinaryPrimitives.WriteUInt64BigEndian(file[8..], (ulong)offset);
            }
        }
        else if (LittleEndian)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(file[4..], (uint)offset);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(file[4..], (uint)offset);
        }
    }
}

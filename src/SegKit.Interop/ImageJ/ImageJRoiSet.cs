using System.Globalization;
using System.IO.Compression;
using SegKit.Core.IO;
using SegKit.Interop.Outlines;

namespace SegKit.Interop.ImageJ;

/// <summary>
/// An ImageJ ROI set (NAME_rois.zip, what Fiji's ROI Manager opens with File > Open or drag and drop): one polygon ROI
/// per object, its outer boundary through the boundary pixels (as Cellpose's save_rois), named LLLL-YYYY-XXXX.roi
/// after the label and the centre of its bounds, so a ROI can be found in the label image.
/// </summary>
public static class ImageJRoiSet
{
    public const string Suffix = "_rois.zip";

    /// <summary>Writes the set atomically (a temporary file renamed into place).</summary>
    public static void Write(string path, IReadOnlyList<ObjectOutline> outlines)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(outlines);
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (ObjectOutline outline in outlines)
            {
                using Stream entry = zip.CreateEntry(EntryName(outline), CompressionLevel.Fastest).Open();
                entry.Write(ImageJRoi.Polygon(outline.X, outline.Y));
            }
        });
    }

    /// <summary>The entry name of an object's ROI: label, then the centre of its bounds as ImageJ names ROIs (y before x).</summary>
    public static string EntryName(ObjectOutline outline)
    {
        ArgumentNullException.ThrowIfNull(outline);
        int yc = (outline.Y.Min() + outline.Y.Max()) / 2;
        int xc = (outline.X.Min() + outline.X.Max()) / 2;
        return string.Create(CultureInfo.InvariantCulture, $"{outline.Label:D4}-{yc:D4}-{xc:D4}.roi");
    }
}

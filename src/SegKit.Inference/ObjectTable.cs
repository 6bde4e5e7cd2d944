using System.Globalization;
using System.Text;
using SegKit.Core.Images;
using SegKit.Core.IO;

namespace SegKit.Inference;

/// <summary>The per-object CSV of a segmentation (segkit segment's <c>_objects.csv</c>, the service's download): geometry and mean intensity of every object.</summary>
public static class ObjectTable
{
    public const string Header = "label,area_px,centroid_y,centroid_x,bbox_top,bbox_left,bbox_height,bbox_width,mean_intensity";

    /// <summary>Writes the table atomically (a temporary file renamed into place).</summary>
    public static void Write(string path, LabelImage labels, Image image)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(ToCsv(labels, image));
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>Writes the table of objects measured elsewhere (block-wise segmentation), atomically.</summary>
    public static void Write(string path, IEnumerable<ObjectMeasurement> objects)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(ToCsv(objects));
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>
    /// The table of measured objects; the mean intensity is the mean over the channels' means, which is the mean over the
    /// gray image (the mean of the channels) that <see cref="ToCsv(LabelImage, Image)"/> measures.
    /// </summary>
    public static string ToCsv(IEnumerable<ObjectMeasurement> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        foreach (ObjectMeasurement o in objects)
        {
            double mean = o.MeanIntensity.Count == 0 ? 0 : o.MeanIntensity.Average();
            text.Append(CultureInfo.InvariantCulture, $"{o.Label},{o.Area},{o.CentroidY:0.###},{o.CentroidX:0.###},{o.Box.Top},{o.Box.Left},{o.Box.Height},{o.Box.Width},{mean:0.####}\n");
        }

        return text.ToString();
    }

    /// <summary>The table as CSV text: a header line, then one line per object (mean intensity over the gray image).</summary>
    public static string ToCsv(LabelImage labels, Image image)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(image);
        // Mean intensity over the gray (mean of colour channels) raw image.
        Image gray = image.Channels == 1 ? image : image.ToGray();
        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        foreach (ObjectMeasurement o in ObjectMeasurement.Measure(labels, gray))
        {
            text.Append(CultureInfo.InvariantCulture, $"{o.Label},{o.Area},{o.CentroidY:0.###},{o.CentroidX:0.###},{o.Box.Top},{o.Box.Left},{o.Box.Height},{o.Box.Width},{o.MeanIntensity[0]:0.####}\n");
        }

        return text.ToString();
    }
}

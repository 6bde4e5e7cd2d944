using System.Globalization;
using System.Text;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Inference;

namespace SegKit.Cli;

/// <summary>Writes the per-object CSV of a segmentation: geometry and mean intensity of every object.</summary>
internal static class ObjectTable
{
    public const string Header = "label,area_px,centroid_y,centroid_x,bbox_top,bbox_left,bbox_height,bbox_width,mean_intensity";

    public static void Write(string path, LabelImage labels, Image image)
    {
        // Mean intensity over the gray (mean of colour channels) raw image.
        Image gray = image.Channels == 1 ? image : image.ToGray();
        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        foreach (ObjectMeasurement o in ObjectMeasurement.Measure(labels, gray))
        {
            text.Append(CultureInfo.InvariantCulture, $"{o.Label},{o.Area},{o.CentroidY:0.###},{o.CentroidX:0.###},{o.Box.Top},{o.Box.Left},{o.Box.Height},{o.Box.Width},{o.MeanIntensity[0]:0.####}\n");
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        AtomicFile.Write(path, s => s.Write(bytes));
    }
}

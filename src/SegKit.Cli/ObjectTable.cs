using System.Globalization;
using System.Text;
using SegKit.Core.Images;
using SegKit.Core.IO;

namespace SegKit.Cli;

/// <summary>Writes the per-object CSV of a segmentation: geometry and mean intensity of every object.</summary>
internal static class ObjectTable
{
    public const string Header = "label,area_px,centroid_y,centroid_x,bbox_top,bbox_left,bbox_height,bbox_width,mean_intensity";

    public static void Write(string path, LabelImage labels, Image image)
    {
        // Mean intensity over the gray (mean of colour channels) raw image, summed in one pass over the pixels.
        Span<float> gray = image.Channels == 1 ? image.Plane(0) : image.ToGray().Plane(0);
        var sums = new double[labels.MaxLabel + 1];
        ReadOnlySpan<int> data = labels.Data;
        for (int i = 0; i < data.Length; i++)
        {
            float v = gray[i];
            if (float.IsFinite(v))
            {
                sums[data[i]] += v;
            }
        }

        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        foreach (LabelObject o in labels.Objects())
        {
            text.Append(CultureInfo.InvariantCulture, $"{o.Label},{o.Area},{o.CentroidY:0.###},{o.CentroidX:0.###},{o.Box.Top},{o.Box.Left},{o.Box.Height},{o.Box.Width},{sums[o.Label] / o.Area:0.####}\n");
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        AtomicFile.Write(path, s => s.Write(bytes));
    }
}

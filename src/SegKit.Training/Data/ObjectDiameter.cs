using SegKit.Core.Images;

namespace SegKit.Training.Data;

/// <summary>Cellpose's object size: the diameter of a disc whose area is the median object area.</summary>
public static class ObjectDiameter
{
    /// <summary>The median-area diameter in pixels, or null when the image has no objects.</summary>
    public static double? Median(LabelImage labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var areas = labels.Objects().Select(o => (double)o.Area).Order().ToArray();
        if (areas.Length == 0)
        {
            return null;
        }

        double median = areas.Length % 2 == 1 ? areas[areas.Length / 2] : (areas[(areas.Length / 2) - 1] + areas[areas.Length / 2]) / 2;
        return 2 * Math.Sqrt(median / Math.PI);
    }
}

namespace SegKit.Core.Images;

/// <summary>
/// One segmented object: label, area, centroid, bounding box, equivalent diameter and mean intensity per input channel.
/// In Core so every front door (segmenters, the CLI's object table, services) measures objects with one definition.
/// </summary>
public sealed record ObjectMeasurement(int Label, long Area, double CentroidY, double CentroidX, BoundingBox Box, double EquivalentDiameter, IReadOnlyList<double> MeanIntensity)
{
    /// <summary>Measures every object of <paramref name="labels"/> on <paramref name="image"/> (raw values) in one pass per channel.</summary>
    public static IReadOnlyList<ObjectMeasurement> Measure(LabelImage labels, Image image)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(image);
        var sums = new double[image.Channels, labels.MaxLabel + 1];
        int[] l = labels.Buffer;
        for (int c = 0; c < image.Channels; c++)
        {
            ReadOnlySpan<float> plane = image.Plane(c);
            for (int i = 0; i < l.Length; i++)
            {
                if (float.IsFinite(plane[i]))
                {
                    sums[c, l[i]] += plane[i];
                }
            }
        }

        return labels.Objects().Select(o => new ObjectMeasurement(
            o.Label,
            o.Area,
            o.CentroidY,
            o.CentroidX,
            o.Box,
            2 * Math.Sqrt(o.Area / Math.PI),
            Enumerable.Range(0, image.Channels).Select(c => sums[c, o.Label] / o.Area).ToArray())).ToList();
    }
}

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
        CheckSize(labels, image.Height, image.Width);
        var sums = new double[image.Channels, labels.MaxLabel + 1];
        for (int c = 0; c < image.Channels; c++)
        {
            for (int y = 0; y < image.Height; y++)
            {
                Accumulate(sums, c, labels.Buffer.AsSpan(y * image.Width, image.Width), image.Row(c, y));
            }
        }

        return Objects(labels, sums);
    }

    /// <summary>As <see cref="Measure(LabelImage, Image)"/> on a packed image, without unpacking it: the same values.</summary>
    public static IReadOnlyList<ObjectMeasurement> Measure(LabelImage labels, PackedImage image)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(image);
        CheckSize(labels, image.Height, image.Width);
        var sums = new double[image.Channels, labels.MaxLabel + 1];
        var row = new float[image.Width];
        for (int c = 0; c < image.Channels; c++)
        {
            for (int y = 0; y < image.Height; y++)
            {
                image.ReadRow(c, y, row);
                Accumulate(sums, c, labels.Buffer.AsSpan(y * image.Width, image.Width), row);
            }
        }

        return Objects(labels, sums);
    }

    private static void CheckSize(LabelImage labels, int height, int width)
    {
        if (labels.Height != height || labels.Width != width)
        {
            throw new ShapeMismatchException($"labels are {labels.Width}x{labels.Height}, the image {width}x{height}");
        }
    }

    private static void Accumulate(double[,] sums, int channel, ReadOnlySpan<int> labels, ReadOnlySpan<float> values)
    {
        for (int x = 0; x < labels.Length; x++)
        {
            if (float.IsFinite(values[x]))
            {
                sums[channel, labels[x]] += values[x];
            }
        }
    }

    private static List<ObjectMeasurement> Objects(LabelImage labels, double[,] sums)
    {
        int channels = sums.GetLength(0);
        return labels.Objects().Select(o => new ObjectMeasurement(
            o.Label,
            o.Area,
            o.CentroidY,
            o.CentroidX,
            o.Box,
            2 * Math.Sqrt(o.Area / Math.PI),
            Enumerable.Range(0, channels).Select(c => sums[c, o.Label] / o.Area).ToArray())).ToList();
    }
}

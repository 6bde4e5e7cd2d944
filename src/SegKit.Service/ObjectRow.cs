using SegKit.Core.Images;

namespace SegKit.Service;

/// <summary>One object of a result: label, area and position in pixels, equivalent diameter, mean intensity of the image's gray values.</summary>
public sealed record ObjectRow(int Label, long Area, double CentroidY, double CentroidX, int Top, int Left, int Height, int Width, double EquivalentDiameter, double MeanIntensity)
{
    public static ObjectRow Of(ObjectMeasurement o)
    {
        ArgumentNullException.ThrowIfNull(o);
        double mean = o.MeanIntensity.Count == 0 ? 0 : o.MeanIntensity.Average();
        return new ObjectRow(o.Label, o.Area, Math.Round(o.CentroidY, 3), Math.Round(o.CentroidX, 3), o.Box.Top, o.Box.Left, o.Box.Height, o.Box.Width, Math.Round(o.EquivalentDiameter, 3), Math.Round(mean, 4));
    }
}

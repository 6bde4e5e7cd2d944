using SegKit.Core.Images;

namespace SegKit.Core.Flows;

/// <summary>
/// Cellpose v3's mask quality measure (metrics.flow_error): per mask, the mean over its pixels of the squared
/// difference between the flows recomputed from the masks and the network's flows divided by 5, summed over
/// dY and dX. A mask whose own flows disagree with the predicted ones is probably wrong.
/// </summary>
public static class FlowError
{
    /// <summary>
    /// Errors of every mask: element k-1 belongs to label k (NaN for a label that is absent).
    /// <paramref name="networkFlows"/> is network-style output, 5x unit flows.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The masks and the flows differ in shape.</exception>
    public static double[] Compute(LabelImage masks, FlowField networkFlows)
    {
        ArgumentNullException.ThrowIfNull(masks);
        ArgumentNullException.ThrowIfNull(networkFlows);
        if (masks.Height != networkFlows.Height || masks.Width != networkFlows.Width)
        {
            throw new ShapeMismatchException(
                $"masks are {masks.Height}x{masks.Width} but the flows are [2, {networkFlows.Height}, {networkFlows.Width}]");
        }

        return Compute(masks, networkFlows, ObjectExtents.Find(masks));
    }

    /// <summary>Errors of <paramref name="objects"/>, the extents of every label of <paramref name="masks"/>, found by the caller.</summary>
    internal static double[] Compute(LabelImage masks, FlowField networkFlows, ObjectExtent[] objects)
    {
        var errors = new double[masks.MaxLabel];
        Array.Fill(errors, double.NaN);
        float[] net = networkFlows.Buffer;
        int plane = networkFlows.PlaneSize;
        int width = masks.Width;
        MaskFlows.ForEachObject(masks, objects, (diffusion, extent) =>
        {
            ReadOnlySpan<double> inside = diffusion.Inside;
            int lx = diffusion.Stride;

            // Raster order within the box is raster order in the image: the same summation order as the
            // bincount behind scipy.ndimage.mean, so the errors round as Cellpose's do.
            double sumY = 0;
            double sumX = 0;
            for (int y = 1; y <= extent.Box.Height; y++)
            {
                int rowStart = ((extent.Box.Top + y - 1) * width) + extent.Box.Left - 1;
                for (int x = 1; x <= extent.Box.Width; x++)
                {
                    if (inside[(y * lx) + x] == 0)
                    {
                        continue;
                    }

                    diffusion.Flow(y, x, out double dy, out double dx);
                    double ey = dy - (double)(net[rowStart + x] / 5f);
                    double ex = dx - (double)(net[plane + rowStart + x] / 5f);
                    sumY += ey * ey;
                    sumX += ex * ex;
                }
            }

            errors[extent.Label - 1] = (sumY / extent.Area) + (sumX / extent.Area);
        });

        return errors;
    }
}

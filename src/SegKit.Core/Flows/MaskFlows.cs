using SegKit.Core.Images;

namespace SegKit.Core.Flows;

/// <summary>
/// Flow targets from masks (Cellpose v3's masks_to_flows on the CPU): per object, heat diffusion from the
/// object pixel nearest its mean position, flows = the heat's spatial gradient normalised to unit length,
/// [dY, dX]; background is 0. Objects are independent and run in parallel.
/// </summary>
/// <remarks>
/// A label split in several pieces is one object: the heat reaches only the piece holding the source, so the
/// other pieces get zero flow, as in Cellpose. Labels need not be consecutive.
/// </remarks>
public static class MaskFlows
{
    /// <summary>The unit flow field of <paramref name="labels"/>, bit-identical to Cellpose v3's float64 result cast to float32.</summary>
    public static FlowField Compute(LabelImage labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var field = new FlowField(labels.Height, labels.Width);
        ObjectExtent[] objects = ObjectExtents.Find(labels);
        if (objects.Length == 0)
        {
            return field;
        }

        float[] data = field.Buffer;
        int plane = field.PlaneSize;
        int width = labels.Width;
        ForEachObject(labels, objects, (diffusion, extent) =>
        {
            ReadOnlySpan<double> inside = diffusion.Inside;
            int lx = diffusion.Stride;
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
                    data[rowStart + x] = (float)dy;
                    data[plane + rowStart + x] = (float)dx;
                }
            }
        });

        return field;
    }

    /// <summary>
    /// Runs the diffusion of every object, largest first, in parallel with one workspace per thread, then hands
    /// each finished diffusion to <paramref name="consume"/> on the same thread (objects own disjoint pixels,
    /// so consumers may write per-pixel or per-object results without locks).
    /// </summary>
    internal static void ForEachObject(LabelImage labels, ObjectExtent[] objects, Action<HeatDiffusion, ObjectExtent> consume)
    {
        var order = new int[objects.Length];
        var cost = new long[objects.Length];
        for (int k = 0; k < order.Length; k++)
        {
            order[k] = k;
            cost[k] = -objects[k].Cost;
        }

        Array.Sort(cost, order);
        Parallel.For(
            0,
            order.Length,
            new ParallelOptions(),
            () => new HeatDiffusion(),
            (k, _, diffusion) =>
            {
                ObjectExtent extent = objects[order[k]];
                diffusion.Run(labels, extent);
                consume(diffusion, extent);
                return diffusion;
            },
            _ => { });
    }
}

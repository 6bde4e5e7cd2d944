using Microsoft.ML.Transforms;
using SegKit.Core.Dynamics;
using SegKit.Core.Flows;
using SegKit.Core.Images;
using SegKit.Core.Transforms;
using SegKit.ML.Settings;

namespace SegKit.ML.Transforms;

/// <summary>
/// Cellpose's flow dynamics on the blended output (dY, dX, cell-probability logit) at the network's scale, then the masks
/// resized (nearest) to the image's own size: what <see cref="SegKit.Core.Pipelines.CellposePipeline"/> does.
/// </summary>
[CustomMappingFactoryAttribute(Contract)]
public sealed class CellposeMasksFactory : CustomMappingFactory<CellposeMaskInputRow, MasksRow>
{
    public const string Contract = "SegKit.CellposeMasks.v1";

    public override Action<CellposeMaskInputRow, MasksRow> GetMapping() => Map;

    internal static void Map(CellposeMaskInputRow input, MasksRow output)
    {
        var settings = CellposeMaskSettings.Parse(input.Settings);
        var grid = TileGrid.FromVector(input.Grid);
        if (grid.IsEmpty || input.Blended.Length == 0)
        {
            output.Set(null);
            return;
        }

        if (input.Channels != 3)
        {
            throw new PipelineSettingsException($"Cellpose dynamics need 3 network outputs (dY, dX, cell probability); this pipeline's network gives {input.Channels}");
        }

        int sh = grid.ScaledHeight;
        int sw = grid.ScaledWidth;
        var blended = new Image(3, sh, sw, input.Blended);
        var flows = new FlowField(sh, sw, input.Blended[..(2 * sh * sw)]);
        LabelImage masks = MaskReconstruction.Compute(flows, blended.Plane(2).ToArray(), settings.Dynamics);
        output.Set(grid.Rescaled ? Resampling.Nearest(masks, grid.Height, grid.Width) : masks);
    }
}

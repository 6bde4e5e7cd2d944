using SegKit.Core.Dynamics;
using SegKit.Core.Flows;
using SegKit.Core.Images;
using SegKit.Core.Tiling;
using SegKit.Core.Transforms;

namespace SegKit.Core.Pipelines;

/// <summary>
/// Cellpose's inference around any network: rescale the (normalised) input to the model's diameter, run overlapping
/// tiles, blend them, follow the flows at that scale, and bring masks (nearest), flows and probability back to the
/// image's size. The network is anything that maps [N, C, T, T] tiles to [N, 3, T, T] (dY, dX, cell-probability logit):
/// ONNX Runtime for inference, TorchSharp during training.
/// </summary>
public static class CellposePipeline
{
    public static CellposeOutput Run(Image input, ITileNetwork network, CellposeSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(network);
        settings ??= new CellposeSettings();
        if (network.OutputChannels != 3)
        {
            throw new ArgumentException($"a Cellpose network outputs 3 channels (dY, dX, cell probability), this one {network.OutputChannels}", nameof(network));
        }

        if (settings.Diameter is double d && !(d > 0 && double.IsFinite(d)))
        {
            throw new ArgumentOutOfRangeException(nameof(settings), d, "Diameter must be a positive number of pixels (or null for no rescaling)");
        }

        int h = input.Height;
        int w = input.Width;
        double scale = settings.Diameter is double diameter ? Resampling.ScaleForDiameter(settings.ModelDiameter, diameter) : 1.0;
        int sh = Math.Max(1, (int)Math.Round(h * scale));
        int sw = Math.Max(1, (int)Math.Round(w * scale));
        bool rescaled = sh != h || sw != w;
        Image scaled = rescaled ? Resampling.Bilinear(input, sh, sw) : input;
        var tiling = new TilingOptions
        {
            TileSize = settings.TileSize,
            Overlap = settings.TileOverlap,
            BatchSize = settings.BatchSize,
            FlipAugmentation = settings.FlipAugmentation,
            Flows = FlowChannels.Cellpose,
        };
        Image output = TiledPrediction.Run(scaled, network, tiling);

        // Dynamics run at the network's scale, where flows and object sizes are what the model learnt; the masks
        // are then resized, as Cellpose does.
        var flows = new FlowField(sh, sw, output.Buffer[..(2 * sh * sw)]);
        LabelImage masks = MaskReconstruction.Compute(flows, output.Plane(2).ToArray(), settings.Dynamics);
        if (!rescaled)
        {
            return new CellposeOutput(masks, flows, output.Plane(2).ToArray());
        }

        Image back = Resampling.Flows(output, h, w);
        return new CellposeOutput(
            Resampling.Nearest(masks, h, w),
            new FlowField(h, w, back.Buffer[..(2 * h * w)]),
            back.Plane(2).ToArray());
    }
}

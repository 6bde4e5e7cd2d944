using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegKit.Training.Models;

/// <summary>
/// Cellpose v3's network (CPnet): a residual U-Net with pre-activation batch-convolutions, 2x2 max-pooling down,
/// nearest 2x upsampling, skips added rather than concatenated, and a "style" vector (the L2-normalised global
/// average of the deepest map) added through a linear layer to every decoder convolution. Outputs [dY, dX,
/// cell-probability logit] at the input's resolution and the style. Input sides must be multiples of 8
/// (three poolings); SegKit's tiles are.
/// </summary>
public sealed class CellposeNet : nn.Module<Tensor, (Tensor Output, Tensor Style)>
{
    private readonly ModuleList<ResidualDown> down;
    private readonly ModuleList<ResidualUp> up;
    private readonly MaxPool2d pool;
    private readonly Sequential output;

    public CellposeNet(CellposeNetOptions? options = null)
        : base(nameof(CellposeNet))
    {
        Options = options ?? CellposeNetOptions.Default;
        if (Options.Widths.Count < 2 || Options.Widths.Any(w => w < 1) || Options.InputChannels < 1 || Options.OutputChannels < 1 || Options.Kernel % 2 == 0)
        {
            throw new ArgumentException("CellposeNet needs at least two positive widths, positive channel counts and an odd kernel", nameof(options));
        }

        long[] widths = [Options.InputChannels, .. Options.Widths.Select(w => (long)w)];
        long style = widths[^1];
        down = nn.ModuleList(Enumerable.Range(0, widths.Length - 1).Select(n => new ResidualDown(widths[n], widths[n + 1], Options.Kernel)).ToArray());

        // Decoder widths: each level maps back to the width of the level above; the deepest one keeps its width.
        long[] upWidths = [.. widths[1..], widths[^1]];
        up = nn.ModuleList(Enumerable.Range(1, upWidths.Length - 1).Select(n => new ResidualUp(upWidths[n], upWidths[n - 1], style, Options.Kernel)).ToArray());
        pool = nn.MaxPool2d(2, 2);
        output = ConvolutionBlocks.BatchConv(upWidths[0], Options.OutputChannels, 1);
        RegisterComponents();
    }

    public CellposeNetOptions Options { get; }

    /// <summary>Trainable parameters.</summary>
    public long ParameterCount => parameters().Where(p => p.requires_grad).Sum(p => p.numel());

    public override (Tensor Output, Tensor Style) forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var features = new Tensor[down.Count];
        for (int n = 0; n < down.Count; n++)
        {
            features[n] = down[n].forward(n == 0 ? input : pool.forward(features[n - 1]));
        }

        Tensor deepest = features[^1];
        Tensor style = nn.functional.avg_pool2d(deepest, [deepest.shape[2], deepest.shape[3]]).flatten(1);
        style = style / (style.pow(2).sum(1, keepdim: true).sqrt());

        Tensor x = up[^1].Forward(deepest, deepest, style);
        for (int n = up.Count - 2; n >= 0; n--)
        {
            x = nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
            x = up[n].Forward(x, features[n], style);
        }

        Tensor result = output.forward(x);
        return (result.MoveToOuterDisposeScope(), style.MoveToOuterDisposeScope());
    }
}

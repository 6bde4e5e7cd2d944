using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegKit.Training.Models;

/// <summary>
/// U-Net (Ronneberger et al. 2015), configurable: depth, base width, valid or same padding, concatenated or added
/// skips, transposed-convolution / nearest / bilinear upsampling, batch norm, bottleneck dropout, any number of classes.
/// Returns class logits; with valid padding the output is smaller than the input (see <see cref="OutputSize"/>).
/// </summary>
public sealed class UNet : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Sequential> down;
    private readonly ModuleList<UNetUp> up;
    private readonly MaxPool2d pool;
    private readonly Dropout dropout;
    private readonly Conv2d head;

    public UNet(UNetOptions? options = null)
        : base(nameof(UNet))
    {
        Options = options ?? UNetOptions.Modern;
        if (Options.Depth < 1 || Options.BaseWidth < 2 || Options.InputChannels < 1 || Options.Classes < 1)
        {
            throw new ArgumentException("UNet needs depth >= 1, base width >= 2 and positive channel counts", nameof(options));
        }

        if (Options.BottleneckDropout is < 0 or >= 1 || double.IsNaN(Options.BottleneckDropout))
        {
            throw new ArgumentException("BottleneckDropout must be within [0, 1)", nameof(options));
        }

        long[] widths = Enumerable.Range(0, Options.Depth + 1).Select(d => (long)Options.BaseWidth << d).ToArray();
        down = nn.ModuleList(widths.Select((w, d) => DoubleConvolution.Create(d == 0 ? Options.InputChannels : widths[d - 1], w, Options.Padding, Options.BatchNorm)).ToArray());
        up = nn.ModuleList(Enumerable.Range(0, Options.Depth).Select(d => new UNetUp(widths[d + 1], Options)).ToArray());
        pool = nn.MaxPool2d(2, 2);
        dropout = nn.Dropout(Options.BottleneckDropout);
        head = nn.Conv2d(widths[0], Options.Classes, 1);
        RegisterComponents();
    }

    public UNetOptions Options { get; }

    public long ParameterCount => parameters().Where(p => p.requires_grad).Sum(p => p.numel());

    /// <summary>The output side for an input side, or null when the input does not fit (see <see cref="UNetOptions.OutputSize"/>).</summary>
    public int? OutputSize(int inputSize) => Options.OutputSize(inputSize);

    public override Tensor forward(Tensor input)
    {
        int? expected = OutputSize((int)input.shape[2]);
        if (expected is null || OutputSize((int)input.shape[3]) is null)
        {
            throw new ArgumentException($"a {input.shape[2]}x{input.shape[3]} input does not fit this U-Net (valid padding needs sizes like 572 -> 388)", nameof(input));
        }

        using var scope = NewDisposeScope();
        var features = new Tensor[down.Count];
        for (int d = 0; d < down.Count; d++)
        {
            features[d] = down[d].forward(d == 0 ? input : pool.forward(features[d - 1]));
        }

        Tensor x = dropout.forward(features[^1]);
        for (int d = up.Count - 1; d >= 0; d--)
        {
            x = up[d].Forward(x, features[d]);
        }

        return head.forward(x).MoveToOuterDisposeScope();
    }
}

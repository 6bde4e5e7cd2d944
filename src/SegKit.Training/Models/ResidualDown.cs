using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegKit.Training.Models;

/// <summary>One level of the encoder: two residual pairs of batch-convolutions, the first pair with a 1x1 projection.</summary>
internal sealed class ResidualDown : nn.Module<Tensor, Tensor>
{
    private readonly Sequential proj;
    private readonly ModuleList<Sequential> conv;

    public ResidualDown(long inChannels, long outChannels, long kernel)
        : base(nameof(ResidualDown))
    {
        proj = ConvolutionBlocks.Projection(inChannels, outChannels, 1);
        conv = nn.ModuleList(
            ConvolutionBlocks.BatchConv(inChannels, outChannels, kernel),
            ConvolutionBlocks.BatchConv(outChannels, outChannels, kernel),
            ConvolutionBlocks.BatchConv(outChannels, outChannels, kernel),
            ConvolutionBlocks.BatchConv(outChannels, outChannels, kernel));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor y = proj.forward(x) + conv[1].forward(conv[0].forward(x));
        y = y + conv[3].forward(conv[2].forward(y));
        return y.MoveToOuterDisposeScope();
    }
}

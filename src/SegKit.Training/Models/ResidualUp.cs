using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegKit.Training.Models;

/// <summary>One level of the decoder: the skip from the encoder is added (not concatenated), the style joins every styled convolution.</summary>
internal sealed class ResidualUp : nn.Module
{
    private readonly Sequential proj;
    private readonly Sequential conv0;
    private readonly ModuleList<StyledBatchConv> styled;

    public ResidualUp(long inChannels, long outChannels, long styleChannels, long kernel)
        : base(nameof(ResidualUp))
    {
        proj = ConvolutionBlocks.Projection(inChannels, outChannels, 1);
        conv0 = ConvolutionBlocks.BatchConv(inChannels, outChannels, kernel);
        styled = nn.ModuleList(
            new StyledBatchConv(outChannels, outChannels, styleChannels, kernel),
            new StyledBatchConv(outChannels, outChannels, styleChannels, kernel),
            new StyledBatchConv(outChannels, outChannels, styleChannels, kernel));
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Tensor skip, Tensor style)
    {
        using var scope = NewDisposeScope();
        Tensor y = proj.forward(x) + styled[0].Forward(style, conv0.forward(x), skip);
        y = y + styled[2].Forward(style, styled[1].Forward(style, y));
        return y.MoveToOuterDisposeScope();
    }
}

using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegKit.Training.Models;

/// <summary>A batch-convolution whose input first gets the style vector added, through a linear map, to every pixel.</summary>
internal sealed class StyledBatchConv : nn.Module
{
    private readonly Sequential conv;
    private readonly Linear full;

    public StyledBatchConv(long inChannels, long outChannels, long styleChannels, long kernel)
        : base(nameof(StyledBatchConv))
    {
        conv = ConvolutionBlocks.BatchConv(inChannels, outChannels, kernel);
        full = nn.Linear(styleChannels, inChannels);
        RegisterComponents();
    }

    /// <param name="style">[N, styleChannels].</param>
    /// <param name="x">[N, C, H, W].</param>
    /// <param name="skip">An encoder map added to <paramref name="x"/> first (Cellpose's additive skip), or null.</param>
    public Tensor Forward(Tensor style, Tensor x, Tensor? skip = null)
    {
        using var scope = NewDisposeScope();
        Tensor input = skip is null ? x : x + skip;
        Tensor styled = input + full.forward(style).unsqueeze(-1).unsqueeze(-1);
        return conv.forward(styled).MoveToOuterDisposeScope();
    }
}

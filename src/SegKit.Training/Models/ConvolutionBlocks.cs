using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegKit.Training.Models;

/// <summary>Cellpose's pre-activation convolutions: BatchNorm, then ReLU (unless it is a projection), then a same-padded convolution.</summary>
internal static class ConvolutionBlocks
{
    // Cellpose's BatchNorm settings (momentum 0.05 rather than PyTorch's 0.1).
    private const double Epsilon = 1e-5;
    private const double Momentum = 0.05;

    /// <summary>BatchNorm -> ReLU -> Conv k x k ("batchconv").</summary>
    public static Sequential BatchConv(long inChannels, long outChannels, long kernel) => nn.Sequential(
        nn.BatchNorm2d(inChannels, Epsilon, Momentum),
        nn.ReLU(),
        nn.Conv2d(inChannels, outChannels, kernel, padding: kernel / 2));

    /// <summary>BatchNorm -> Conv k x k, no activation ("batchconv0"): the projections of the residual paths.</summary>
    public static Sequential Projection(long inChannels, long outChannels, long kernel) => nn.Sequential(
        nn.BatchNorm2d(inChannels, Epsilon, Momentum),
        nn.Conv2d(inChannels, outChannels, kernel, padding: kernel / 2));
}

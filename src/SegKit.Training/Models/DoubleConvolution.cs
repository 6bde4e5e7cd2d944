using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegKit.Training.Models;

/// <summary>Two 3x3 convolutions, each followed by optional batch norm and a ReLU: the unit of every U-Net level.</summary>
internal static class DoubleConvolution
{
    public static Sequential Create(long inChannels, long outChannels, UNetPadding padding, bool batchNorm)
    {
        long pad = padding == UNetPadding.Same ? 1 : 0;
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i < 2; i++)
        {
            // A convolution followed by batch norm needs no bias of its own.
            layers.Add(($"conv{i}", nn.Conv2d(i == 0 ? inChannels : outChannels, outChannels, 3, padding: pad, bias: !batchNorm)));
            if (batchNorm)
            {
                layers.Add(($"norm{i}", nn.BatchNorm2d(outChannels)));
            }

            layers.Add(($"relu{i}", nn.ReLU()));
        }

        return nn.Sequential(layers);
    }
}

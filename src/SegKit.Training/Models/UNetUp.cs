using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegKit.Training.Models;

/// <summary>One decoder level: double the resolution and halve the channels, join the skip, two convolutions.</summary>
internal sealed class UNetUp : nn.Module
{
    private readonly UNetOptions _options;
    private readonly nn.Module<Tensor, Tensor> reduce;
    private readonly Sequential convs;

    public UNetUp(long inChannels, UNetOptions options)
        : base(nameof(UNetUp))
    {
        _options = options;
        long half = inChannels / 2;
        reduce = options.Upsampling == UNetUpsampling.TransposedConvolution
            ? nn.ConvTranspose2d(inChannels, half, 2, stride: 2)
            : nn.Conv2d(inChannels, half, 1);
        convs = DoubleConvolution.Create(options.Skip == UNetSkip.Concatenate ? inChannels : half, half, options.Padding, options.BatchNorm);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Tensor skip)
    {
        using var scope = NewDisposeScope();
        long skipH = skip.shape[2];
        long skipW = skip.shape[3];
        Tensor up;
        if (_options.Upsampling == UNetUpsampling.TransposedConvolution)
        {
            up = reduce.forward(x);
        }
        else
        {
            // Same padding: interpolate straight to the skip's size, so odd sizes line up.
            long[]? size = _options.Padding == UNetPadding.Same ? [skipH, skipW] : null;
            double[]? scale = size is null ? [2.0, 2.0] : null;
            var mode = _options.Upsampling == UNetUpsampling.Bilinear ? InterpolationMode.Bilinear : InterpolationMode.Nearest;
            up = reduce.forward(nn.functional.interpolate(x, size: size, scale_factor: scale, mode: mode, align_corners: mode == InterpolationMode.Bilinear ? false : null));
        }

        if (_options.Padding == UNetPadding.Same && (up.shape[2] != skipH || up.shape[3] != skipW))
        {
            // An odd size was floored by pooling: pad the upsampled map back to the skip's size.
            up = nn.functional.pad(up, [0, skipW - up.shape[3], 0, skipH - up.shape[2]]);
        }
        else if (_options.Padding == UNetPadding.Valid)
        {
            // The paper's crop: the skip is larger (valid convolutions lost its border); take its centre.
            long top = (skipH - up.shape[2]) / 2;
            long left = (skipW - up.shape[3]) / 2;
            skip = skip.narrow(2, top, up.shape[2]).narrow(3, left, up.shape[3]);
        }

        Tensor joined = _options.Skip == UNetSkip.Concatenate ? cat([skip, up], 1) : skip + up;
        return convs.forward(joined).MoveToOuterDisposeScope();
    }
}

namespace SegKit.Training.Models;

/// <summary>How the decoder doubles the resolution; every mode also halves the channels.</summary>
public enum UNetUpsampling
{
    /// <summary>2x2 transposed convolution, stride 2 (the paper's "up-convolution").</summary>
    TransposedConvolution,

    /// <summary>Nearest-neighbour 2x, then a 1x1 convolution.</summary>
    Nearest,

    /// <summary>Bilinear 2x, then a 1x1 convolution.</summary>
    Bilinear,
}

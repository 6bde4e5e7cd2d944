namespace SegKit.Training.Augmentation;

/// <summary>What random transforms a training sample gets; defaults follow Cellpose (rotation, flips, scale jitter, 224 crop).</summary>
public sealed record AugmentationOptions
{
    /// <summary>Side of the square patch cut from the transformed image.</summary>
    public int PatchSize { get; init; } = 224;

    /// <summary>Rotate by a uniform random angle in [0, 360) degrees.</summary>
    public bool Rotate { get; init; } = true;

    /// <summary>Flip left-right and up-down, each with probability 1/2 (flow components sign-corrected).</summary>
    public bool Flip { get; init; } = true;

    /// <summary>Scale applied before jitter: Cellpose brings the image's median diameter to the model's (model / image).</summary>
    public double BaseScale { get; init; } = 1.0;

    /// <summary>Scale jitter range multiplied onto <see cref="BaseScale"/> (Cellpose: 0.75..1.25).</summary>
    public double ScaleJitterMin { get; init; } = 0.75;

    public double ScaleJitterMax { get; init; } = 1.25;

    /// <summary>U-Net's elastic deformation: displacement magnitude in pixels (0 = off) and smoothness of the random field.</summary>
    public double ElasticAlpha { get; init; }

    public double ElasticSigma { get; init; } = 10;

    /// <summary>Intensity: brightness shift range (+-), contrast factor range, gamma range, Gaussian noise sigma.</summary>
    public double Brightness { get; init; }

    public double ContrastMin { get; init; } = 1.0;

    public double ContrastMax { get; init; } = 1.0;

    public double GammaMin { get; init; } = 1.0;

    public double GammaMax { get; init; } = 1.0;

    public double NoiseSigma { get; init; }

    /// <summary>Everything off but the random crop position (an image of exactly the patch size comes out unchanged).</summary>
    public static AugmentationOptions None(int patchSize) => new()
    {
        PatchSize = patchSize,
        Rotate = false,
        Flip = false,
        ScaleJitterMin = 1,
        ScaleJitterMax = 1,
    };
}

namespace SegKit.Training.Training;

/// <summary>What a U-Net's validation measures, and so which epoch becomes best.ckpt.</summary>
public enum UNetSelection
{
    /// <summary>IoU of the foreground class (the default: it weighs the objects, whatever their share of the image).</summary>
    ForegroundIoU,

    /// <summary>Correct pixels over all pixels: 1 minus the pixel error that EM membrane work reports.</summary>
    PixelAccuracy,
}

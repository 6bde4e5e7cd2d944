namespace SegKit.Training.Training;

/// <summary>AdamW (Cellpose v3's default) or SGD with momentum 0.9 (Cellpose v2, the U-Net paper's choice, 0.99 there).</summary>
public enum OptimizerKind
{
    AdamW,
    Sgd,
}

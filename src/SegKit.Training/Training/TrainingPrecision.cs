namespace SegKit.Training.Training;

/// <summary>The number format of a training step's forward and backward passes; weights and optimiser state stay fp32.</summary>
public enum TrainingPrecision
{
    /// <summary>Everything in fp32.</summary>
    Float32,

    /// <summary>
    /// Convolutions and activations in bfloat16 on a working copy of the network; batch normalisation, the loss, the
    /// master weights and the optimiser in fp32. Pays only on CPUs with native bf16 (AVX512_BF16, AMX).
    /// </summary>
    BFloat16,
}

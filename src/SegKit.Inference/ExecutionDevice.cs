namespace SegKit.Inference;

/// <summary>Where ONNX Runtime runs the network.</summary>
public enum ExecutionDevice
{
    Cpu,

    /// <summary>An NVIDIA GPU through the CUDA execution provider, when the GPU build of ONNX Runtime and a device are present; otherwise the CPU, with one warning.</summary>
    Cuda,
}

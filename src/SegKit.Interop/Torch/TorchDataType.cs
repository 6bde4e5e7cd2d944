namespace SegKit.Interop.Torch;

/// <summary>The element types of tensor storages SegKit reads (weights are floats; batch-norm step counters are longs).</summary>
public enum TorchDataType
{
    Float32,
    Float64,
    Float16,
    BFloat16,
    Int64,
    Int32,
}

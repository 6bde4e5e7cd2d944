namespace SegKit.Interop.Torch;

/// <summary>What the storage class names of a torch pickle mean.</summary>
internal static class TorchDataTypes
{
    public static TorchDataType? FromStorageName(string name) => name switch
    {
        "FloatStorage" => TorchDataType.Float32,
        "DoubleStorage" => TorchDataType.Float64,
        "HalfStorage" => TorchDataType.Float16,
        "BFloat16Storage" => TorchDataType.BFloat16,
        "LongStorage" => TorchDataType.Int64,
        "IntStorage" => TorchDataType.Int32,
        _ => null,
    };

    public static int Size(TorchDataType type) => type switch
    {
        TorchDataType.Float64 or TorchDataType.Int64 => 8,
        TorchDataType.Float32 or TorchDataType.Int32 => 4,
        _ => 2,
    };

    public static bool IsFloatingPoint(TorchDataType type) => type is TorchDataType.Float32 or TorchDataType.Float64 or TorchDataType.Float16 or TorchDataType.BFloat16;
}

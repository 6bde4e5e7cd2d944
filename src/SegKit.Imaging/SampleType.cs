namespace SegKit.Imaging;

/// <summary>How one sample (one channel of one pixel) is stored in a file.</summary>
public enum SampleType
{
    UInt8,
    Int8,
    UInt16,
    Int16,
    UInt32,
    Int32,
    Float16,
    Float32,
    Float64,
}

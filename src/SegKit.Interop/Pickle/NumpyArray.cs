namespace SegKit.Interop.Pickle;

/// <summary>
/// A numpy array from a pickle: _reconstruct makes it empty, BUILD gives it shape, dtype and data (raw bytes, or the
/// objects of an object array).
/// </summary>
internal sealed class NumpyArray
{
    public long[] Shape { get; set; } = [0];

    public NumpyDType? DType { get; set; }

    public bool FortranOrder { get; set; }

    public byte[]? Data { get; set; }

    public IReadOnlyList<object?>? Objects { get; set; }

    public bool Built { get; set; }
}

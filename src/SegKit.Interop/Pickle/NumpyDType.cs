namespace SegKit.Interop.Pickle;

/// <summary>A numpy dtype from a pickle: its code ("f4", "f8", "i8", "O", ...) and, once BUILD has run, its byte order.</summary>
internal sealed class NumpyDType(string code)
{
    public string Code { get; } = code;

    /// <summary>'&lt;' little-endian, '&gt;' big-endian, '|' not applicable, '=' native.</summary>
    public char ByteOrder { get; set; } = '=';
}

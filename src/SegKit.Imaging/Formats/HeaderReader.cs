using System.Buffers.Binary;
using SegKit.Core;

namespace SegKit.Imaging.Formats;

/// <summary>
/// Random-access reads of a file header with bounds checks: any read past the end of the file is reported as
/// truncation of <see cref="Path"/>, so a parser never sees garbage or throws a bare EndOfStreamException.
/// </summary>
internal sealed class HeaderReader
{
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[16];

    public HeaderReader(Stream stream, string path, bool littleEndian = false)
    {
        _stream = stream;
        Path = path;
        LittleEndian = littleEndian;
        Length = stream.Length;
    }

    public string Path { get; }

    public long Length { get; }

    public bool LittleEndian { get; set; }

    public void ReadExactly(long offset, Span<byte> destination, string what)
    {
        // Written so that a huge offset from a corrupt header cannot overflow past the check.
        if (offset < 0 || offset > Length - destination.Length)
        {
            throw Truncated(what, offset > long.MaxValue - destination.Length ? long.MaxValue : offset + destination.Length);
        }

        _stream.Position = offset;
        _stream.ReadExactly(destination);
    }

    public byte ReadByte(long offset, string what)
    {
        ReadExactly(offset, _buffer.AsSpan(0, 1), what);
        return _buffer[0];
    }

    public ushort ReadUInt16(long offset, string what)
    {
        Span<byte> b = _buffer.AsSpan(0, 2);
        ReadExactly(offset, b, what);
        return LittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);
    }

    public uint ReadUInt32(long offset, string what)
    {
        Span<byte> b = _buffer.AsSpan(0, 4);
        ReadExactly(offset, b, what);
        return LittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
    }

    public ulong ReadUInt64(long offset, string what)
    {
        Span<byte> b = _buffer.AsSpan(0, 8);
        ReadExactly(offset, b, what);
        return LittleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(b) : BinaryPrimitives.ReadUInt64BigEndian(b);
    }

    public InvalidImageException Truncated(string what, long neededBytes) =>
        new($"the file is truncated: {what} needs {neededBytes} bytes but the file has {Length}", Path);

    public InvalidImageException Corrupt(string format, string problem) =>
        new($"corrupt {format} file: {problem}", Path);
}

using System.Text;

namespace SegKit.Onnx.Protobuf;

/// <summary>
/// Protocol-buffer wire format, read side, over a byte range held in memory. Every read is bounds-checked
/// and a damaged encoding raises <see cref="InvalidDataException"/>, which the public readers turn into an
/// <see cref="OnnxFormatException"/> naming the file.
/// </summary>
internal sealed class ProtoReader
{
    private readonly byte[] _data;
    private readonly int _end;
    private int _position;

    public ProtoReader(byte[] data)
        : this(data, 0, data.Length)
    {
    }

    public ProtoReader(byte[] data, int offset, int count)
    {
        _data = data;
        _position = offset;
        _end = offset + count;
    }

    public bool AtEnd => _position >= _end;

    public int WireType { get; private set; }

    /// <summary>Reads the next tag and returns its field number; call only when not <see cref="AtEnd"/>.</summary>
    public int ReadTag()
    {
        var tag = ReadVarint();
        var field = tag >> 3;
        WireType = (int)(tag & 7);
        if (field == 0 || field > int.MaxValue)
            throw new InvalidDataException($"invalid field number {field} at byte {_position}");
        return (int)field;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _end)
                throw new InvalidDataException("truncated varint");
            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return result;
        }
        throw new InvalidDataException($"varint longer than 10 bytes at byte {_position}");
    }

    public long ReadInt64() => (long)ReadVarint();

    public float ReadFixed32Float()
    {
        Require(4);
        var value = BitConverter.ToSingle(_data, _position);
        _position += 4;
        return value;
    }

    public double ReadFixed64Double()
    {
        Require(8);
        var value = BitConverter.ToDouble(_data, _position);
        _position += 8;
        return value;
    }

    /// <summary>Reads a length prefix and returns the payload's offset in the buffer, moving past it.</summary>
    public int ReadLengthDelimited(out int length)
    {
        var raw = ReadVarint();
        if (raw > (ulong)(_end - _position))
            throw new InvalidDataException($"length {raw} at byte {_position} runs past the end of its message");
        length = (int)raw;
        var start = _position;
        _position += length;
        return start;
    }

    public ProtoReader ReadMessage()
    {
        ExpectWireType(2);
        var start = ReadLengthDelimited(out var length);
        return new ProtoReader(_data, start, length);
    }

    public byte[] ReadBytes()
    {
        ExpectWireType(2);
        var start = ReadLengthDelimited(out var length);
        var bytes = new byte[length];
        Buffer.BlockCopy(_data, start, bytes, 0, length);
        return bytes;
    }

    public string ReadString()
    {
        ExpectWireType(2);
        var start = ReadLengthDelimited(out var length);
        return Encoding.UTF8.GetString(_data, start, length);
    }

    /// <summary>Reads a repeated varint field, packed (proto3) or one value per tag (proto2).</summary>
    public void ReadInt64s(List<long> into)
    {
        if (WireType == 0)
        {
            into.Add(ReadInt64());
            return;
        }
        var packed = ReadMessage();
        while (!packed.AtEnd)
            into.Add(packed.ReadInt64());
    }

    /// <summary>Reads a repeated float field, packed or one value per tag.</summary>
    public void ReadFloats(List<float> into)
    {
        if (WireType == 5)
        {
            into.Add(ReadFixed32Float());
            return;
        }
        var packed = ReadMessage();
        while (!packed.AtEnd)
            into.Add(packed.ReadFixed32Float());
    }

    public void ReadDoubles(List<double> into)
    {
        if (WireType == 1)
        {
            into.Add(ReadFixed64Double());
            return;
        }
        var packed = ReadMessage();
        while (!packed.AtEnd)
            into.Add(packed.ReadFixed64Double());
    }

    public void ExpectWireType(int wireType)
    {
        if (WireType != wireType)
            throw new InvalidDataException($"wire type {WireType} where {wireType} was expected at byte {_position}");
    }

    public void SkipField()
    {
        switch (WireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                Require(8);
                _position += 8;
                break;
            case 2:
                ReadLengthDelimited(out _);
                break;
            case 5:
                Require(4);
                _position += 4;
                break;
            default:
                throw new InvalidDataException($"unsupported wire type {WireType} at byte {_position}");
        }
    }

    private void Require(int count)
    {
        if (_end - _position < count)
            throw new InvalidDataException($"truncated field at byte {_position}");
    }
}

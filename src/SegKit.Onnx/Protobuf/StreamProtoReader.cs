namespace SegKit.Onnx.Protobuf;

/// <summary>
/// Protocol-buffer wire format read straight from a stream, for skimming: length-delimited fields the caller
/// does not want (weights) are skipped with a seek, so reading a model's interface costs a few kilobytes of I/O
/// whatever the size of the file.
/// </summary>
internal sealed class StreamProtoReader
{
    private readonly Stream _stream;
    private long _position;

    // A byte read ahead by AtEnd on an unseekable stream, or -1.
    private int _pending = -1;

    public StreamProtoReader(Stream stream)
    {
        _stream = stream;
        End = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
    }

    /// <summary>Bytes read so far, counted from where the stream stood when the reader was made.</summary>
    public long Position => _position;

    /// <summary>The end of the message being read; the caller narrows it while inside a nested message.</summary>
    public long End { get; set; }

    public int WireType { get; private set; }

    /// <summary>True at the end of the current message; for a non-seekable stream also at the end of the data.</summary>
    public bool AtEnd()
    {
        if (_position >= End)
            return true;
        if (_stream.CanSeek)
            return false;
        // Unseekable: the only way to find the end of the top-level message is to hit it.
        var b = _stream.ReadByte();
        if (b < 0)
        {
            End = _position;
            return true;
        }
        _pending = b;
        return false;
    }

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
            var b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return result;
        }
        throw new InvalidDataException($"varint longer than 10 bytes at byte {_position}");
    }

    /// <summary>Reads the length prefix of a length-delimited field and checks it against the enclosing message.</summary>
    public long ReadLength()
    {
        if (WireType != 2)
            throw new InvalidDataException($"wire type {WireType} where 2 was expected at byte {_position}");
        var length = ReadVarint();
        if (length > (ulong)(End - _position))
            throw new InvalidDataException($"length {length} at byte {_position} runs past the end of its message");
        return (long)length;
    }

    /// <summary>Reads a length-delimited field whole, for small messages parsed in memory.</summary>
    public byte[] ReadPayload()
    {
        var length = ReadLength();
        if (length > int.MaxValue)
            throw new InvalidDataException($"field of {length} bytes at byte {_position} is too large");
        var bytes = new byte[length];
        var offset = 0;
        if (_pending >= 0 && length > 0)
        {
            bytes[offset++] = (byte)_pending;
            _pending = -1;
        }
        while (offset < bytes.Length)
        {
            var n = _stream.Read(bytes, offset, bytes.Length - offset);
            if (n <= 0)
                throw new InvalidDataException("file ends inside a field (truncated)");
            offset += n;
        }
        _position += length;
        return bytes;
    }

    public void SkipField()
    {
        switch (WireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                Skip(8);
                break;
            case 2:
                Skip(ReadLength());
                break;
            case 5:
                Skip(4);
                break;
            default:
                throw new InvalidDataException($"unsupported wire type {WireType} at byte {_position}");
        }
    }

    private void Skip(long count)
    {
        if (count > End - _position)
            throw new InvalidDataException($"field at byte {_position} runs past the end of its message");
        if (_pending >= 0 && count > 0)
        {
            _pending = -1;
            _position++;
            count--;
        }
        if (_stream.CanSeek)
        {
            _stream.Seek(count, SeekOrigin.Current);
        }
        else
        {
            var scratch = new byte[Math.Min(count, 81920)];
            var left = count;
            while (left > 0)
            {
                var n = _stream.Read(scratch, 0, (int)Math.Min(left, scratch.Length));
                if (n <= 0)
                    throw new InvalidDataException("file ends inside a field (truncated)");
                left -= n;
            }
        }
        _position += count;
    }

    private byte ReadByte()
    {
        if (_position >= End)
            throw new InvalidDataException($"truncated field at byte {_position}");
        int b;
        if (_pending >= 0)
        {
            b = _pending;
            _pending = -1;
        }
        else
        {
            b = _stream.ReadByte();
        }
        if (b < 0)
            throw new InvalidDataException($"file ends inside a field at byte {_position} (truncated)");
        _position++;
        return (byte)b;
    }
}

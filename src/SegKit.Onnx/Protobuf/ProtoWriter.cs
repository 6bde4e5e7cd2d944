using System.Text;

namespace SegKit.Onnx.Protobuf;

/// <summary>
/// Protocol-buffer wire format, write side: the four wire types ONNX uses. Nested messages are written to
/// their own writer first because the length prefix must precede the payload.
/// </summary>
internal sealed class ProtoWriter
{
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;

    private readonly MemoryStream _buffer = new();

    public long Length => _buffer.Length;

    public void WriteTo(Stream stream) => _buffer.WriteTo(stream);

    public void Int64(int field, long value)
    {
        Tag(field, Varint);
        RawVarint((ulong)value);
    }

    public void Float(int field, float value)
    {
        Tag(field, Fixed32);
        _buffer.Write(BitConverter.GetBytes(value), 0, 4);
    }

    public void String(int field, string? value)
    {
        // proto3: empty strings are the default and are not written.
        if (string.IsNullOrEmpty(value))
            return;
        Bytes(field, Encoding.UTF8.GetBytes(value));
    }

    public void Bytes(int field, byte[] value)
    {
        Tag(field, LengthDelimited);
        RawVarint((ulong)value.Length);
        _buffer.Write(value, 0, value.Length);
    }

    public void Message(int field, ProtoWriter message)
    {
        Tag(field, LengthDelimited);
        RawVarint((ulong)message.Length);
        message._buffer.WriteTo(_buffer);
    }

    public void PackedInt64(int field, IReadOnlyList<long> values)
    {
        if (values.Count == 0)
            return;
        var packed = new ProtoWriter();
        foreach (var v in values)
            packed.RawVarint((ulong)v);
        Message(field, packed);
    }

    public void PackedFloat(int field, IReadOnlyList<float> values)
    {
        if (values.Count == 0)
            return;
        var bytes = new byte[values.Count * 4];
        for (var i = 0; i < values.Count; i++)
            Array.Copy(BitConverter.GetBytes(values[i]), 0, bytes, i * 4, 4);
        Bytes(field, bytes);
    }

    private void Tag(int field, int wireType) => RawVarint((ulong)((field << 3) | wireType));

    private void RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }
}

namespace SegKit.Core.Images;

/// <summary>
/// An image's pixels held exactly in the narrowest element type that keeps them: bytes when every value is an integer
/// in 0..255 (8-bit files), 16-bit words for integers in 0..65535, else the float array itself. A segmentation holds
/// its image from decoding to the object table and overlay; packed, an 8-bit RGB image takes 3 bytes per pixel instead
/// of 12 while the network output and the dynamics' scratch planes, which are what need the memory, are alive.
/// <see cref="Unpack"/> gives back an image equal to the packed one value for value.
/// </summary>
public sealed class PackedImage
{
    private readonly byte[]? _bytes;
    private readonly ushort[]? _words;
    private readonly float[]? _floats;

    private PackedImage(int channels, int height, int width, byte[]? bytes, ushort[]? words, float[]? floats)
    {
        Channels = channels;
        Height = height;
        Width = width;
        _bytes = bytes;
        _words = words;
        _floats = floats;
    }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    /// <summary>Bytes per value as held: 1, 2, or 4 when the values did not fit a narrower type exactly.</summary>
    public int BytesPerValue => _bytes is not null ? sizeof(byte) : _words is not null ? sizeof(ushort) : sizeof(float);

    /// <summary>Bytes held by the pixels.</summary>
    public long SizeInBytes => (long)Channels * Height * Width * BytesPerValue;

    /// <summary>
    /// Packs <paramref name="image"/>'s values. The image is not changed; when no narrower type holds them exactly its
    /// array is shared, not copied (the caller must then leave the image unchanged while the packed one is in use).
    /// </summary>
    public static PackedImage Pack(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        float[] data = image.Buffer;
        ReadOnlySpan<float> values = data;
        float max = MaxIfWholeNumbers(values);
        if (max <= byte.MaxValue)
        {
            var bytes = new byte[values.Length];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)values[i];
            }

            return new PackedImage(image.Channels, image.Height, image.Width, bytes, null, null);
        }

        if (max <= ushort.MaxValue)
        {
            var words = new ushort[values.Length];
            for (int i = 0; i < words.Length; i++)
            {
                words[i] = (ushort)values[i];
            }

            return new PackedImage(image.Channels, image.Height, image.Width, null, words, null);
        }

        return new PackedImage(image.Channels, image.Height, image.Width, null, null, data);
    }

    /// <summary>A new float image with the packed values (the shared array itself when nothing was narrowed).</summary>
    public Image Unpack()
    {
        if (_floats is not null)
        {
            return new Image(Channels, Height, Width, _floats);
        }

        var data = new float[(long)Channels * Height * Width];
        if (_bytes is not null)
        {
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = _bytes[i];
            }
        }
        else
        {
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = _words![i];
            }
        }

        return new Image(Channels, Height, Width, data);
    }

    /// <summary>Row <paramref name="y"/> of channel <paramref name="channel"/> as floats, into <paramref name="destination"/> (Width values).</summary>
    public void ReadRow(int channel, int y, Span<float> destination)
    {
        if ((uint)channel >= (uint)Channels || (uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(y), $"row ({channel},{y}) is outside {Channels}x{Height}x{Width}");
        }

        if (destination.Length < Width)
        {
            throw new ArgumentException($"a row has {Width} values; the destination holds {destination.Length}", nameof(destination));
        }

        int start = ((channel * Height) + y) * Width;
        if (_floats is not null)
        {
            _floats.AsSpan(start, Width).CopyTo(destination);
        }
        else if (_bytes is not null)
        {
            ReadOnlySpan<byte> row = _bytes.AsSpan(start, Width);
            for (int x = 0; x < row.Length; x++)
            {
                destination[x] = row[x];
            }
        }
        else
        {
            ReadOnlySpan<ushort> row = _words.AsSpan(start, Width);
            for (int x = 0; x < row.Length; x++)
            {
                destination[x] = row[x];
            }
        }
    }

    // The largest value when every value is a whole number from +0 up, else +infinity. NaN, negative values and -0
    // (which would come back as +0) all answer infinity.
    private static float MaxIfWholeNumbers(ReadOnlySpan<float> values)
    {
        float max = 0f;
        foreach (float v in values)
        {
            if (!(v >= 0f) || v != MathF.Truncate(v) || (v == 0f && float.IsNegative(v)))
            {
                return float.PositiveInfinity;
            }

            max = MathF.Max(max, v);
        }

        return max;
    }
}

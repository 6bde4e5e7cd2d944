using SegKit.Core.Transforms;

namespace SegKit.Core.Images;

/// <summary>
/// A 2-D image as float planes: channels x height x width, one contiguous array in C order.
/// Pixel values are kept as read (0..255 for 8-bit files, 0..65535 for 16-bit); normalisation is a separate step.
/// </summary>
public sealed class Image
{
    private readonly float[] _data;

    public Image(int channels, int height, int width)
        : this(channels, height, width, new float[CheckedLength(channels, height, width)])
    {
    }

    /// <summary>Wraps <paramref name="data"/> (not copied); its length must be channels * height * width.</summary>
    public Image(int channels, int height, int width, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        long length = CheckedLength(channels, height, width);
        if (data.Length != length)
        {
            throw new ArgumentException($"data has {data.Length} values; {channels}x{height}x{width} needs {length}", nameof(data));
        }

        Channels = channels;
        Height = height;
        Width = width;
        _data = data;
    }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    /// <summary>Pixels in one plane (height * width).</summary>
    public int PlaneSize => Height * Width;

    /// <summary>All values, channel-major (CHW).</summary>
    public Span<float> Data => _data;

    /// <summary>The underlying array, for APIs that want one (tensors, encoders). Not a copy.</summary>
    public float[] Buffer => _data;

    public float this[int channel, int y, int x]
    {
        get => _data[Index(channel, y, x)];
        set => _data[Index(channel, y, x)] = value;
    }

    /// <summary>One channel as a view (no copy).</summary>
    public Span<float> Plane(int channel)
    {
        if ((uint)channel >= (uint)Channels)
        {
            throw new ArgumentOutOfRangeException(nameof(channel), channel, $"image has {Channels} channel(s)");
        }

        return _data.AsSpan(channel * PlaneSize, PlaneSize);
    }

    /// <summary>One row of one channel as a view (no copy).</summary>
    public Span<float> Row(int channel, int y)
    {
        if ((uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(y), y, $"image has {Height} row(s)");
        }

        return Plane(channel).Slice(y * Width, Width);
    }

    /// <summary>A copy of the rectangle [top, top+height) x [left, left+width) of every channel.</summary>
    public Image Crop(int top, int left, int height, int width)
    {
        if (top < 0 || left < 0 || height <= 0 || width <= 0 || top + height > Height || left + width > Width)
        {
            throw new ArgumentOutOfRangeException(nameof(top), $"crop ({top},{left}) {height}x{width} is outside the {Height}x{Width} image");
        }

        var result = new Image(Channels, height, width);
        for (int c = 0; c < Channels; c++)
        {
            Span<float> src = Plane(c);
            Span<float> dst = result.Plane(c);
            for (int y = 0; y < height; y++)
            {
                src.Slice(((top + y) * Width) + left, width).CopyTo(dst.Slice(y * width, width));
            }
        }

        return result;
    }

    /// <summary>
    /// Cellpose's channel selection: a cytoplasm channel and an optional nucleus channel, each taken from
    /// gray (mean of all channels, alpha excluded when there are 4), red, green, blue or haematoxylin. The result always has two
    /// channels, [cytoplasm, nucleus], the nucleus plane being zeros when none is chosen, as Cellpose feeds its networks.
    /// </summary>
    public Image SelectChannels(ChannelSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var result = new Image(2, Height, Width);
        FillChannel(selection.Cytoplasm, result.Plane(0));
        if (selection.Nucleus != ImageChannel.None)
        {
            FillChannel(selection.Nucleus, result.Plane(1));
        }

        return result;
    }

    /// <summary>A single-channel copy: the mean of the colour channels (alpha excluded), as Cellpose's grayscale.</summary>
    public Image ToGray()
    {
        var result = new Image(1, Height, Width);
        FillChannel(ImageChannel.Gray, result.Plane(0));
        return result;
    }

    public Image Clone() => new(Channels, Height, Width, (float[])_data.Clone());

    private void FillChannel(ImageChannel channel, Span<float> destination)
    {
        switch (channel)
        {
            case ImageChannel.Gray:
                int colours = Channels == 4 ? 3 : Channels;
                if (colours == 1)
                {
                    Plane(0).CopyTo(destination);
                    return;
                }

                // Float32 running sum then one division: what numpy's mean over the channel axis of a float32
                // image computes for three values, so the Cellpose normalisation fixtures compare bit for bit.
                for (int i = 0; i < destination.Length; i++)
                {
                    float sum = 0f;
                    for (int c = 0; c < colours; c++)
                    {
                        sum += _data[(c * PlaneSize) + i];
                    }

                    destination[i] = sum / colours;
                }

                return;
            case ImageChannel.None:
                destination.Clear();
                return;
            case ImageChannel.Haematoxylin:
                StainDeconvolution.Haematoxylin(this, destination);
                return;
            default:
                int index = (int)channel - 1;
                if (index >= Channels)
                {
                    throw new ArgumentException($"channel {channel} was asked for but the image has {Channels} channel(s)", nameof(channel));
                }

                Plane(index).CopyTo(destination);
                return;
        }
    }

    private int Index(int channel, int y, int x)
    {
        if ((uint)channel >= (uint)Channels || (uint)y >= (uint)Height || (uint)x >= (uint)Width)
        {
            throw new ArgumentOutOfRangeException(nameof(channel), $"({channel},{y},{x}) is outside {Channels}x{Height}x{Width}");
        }

        return (((channel * Height) + y) * Width) + x;
    }

    private static int CheckedLength(int channels, int height, int width)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
        {
            throw new ArgumentException($"image dimensions must be positive, got {channels}x{height}x{width}");
        }

        long length = (long)channels * height * width;
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"image {channels}x{height}x{width} is too large for one array");
        }

        return (int)length;
    }
}

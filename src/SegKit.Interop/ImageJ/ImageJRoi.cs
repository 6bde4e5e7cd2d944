using System.Buffers.Binary;

namespace SegKit.Interop.ImageJ;

/// <summary>
/// One polygon in ImageJ's binary ROI format (what Fiji's ROI Manager reads and writes; ij/io/RoiDecoder): a 64-byte
/// big-endian header ("Iout", version, type 0 = polygon, the bounds top/left/bottom/right, the number of points), then
/// the x and then the y coordinates as 16-bit integers relative to left and top. Beyond 32,767 pixels ImageJ's 16-bit
/// bounds cannot hold a coordinate, so such polygons also carry absolute float coordinates (option SUB_PIXEL_RESOLUTION).
/// </summary>
public static class ImageJRoi
{
    public const int HeaderSize = 64;
    public const short Version = 228;
    public const byte PolygonType = 0;
    public const short SubPixelResolution = 128;

    /// <summary>The .roi bytes of a polygon through (x[i], y[i]).</summary>
    public static byte[] Polygon(IReadOnlyList<int> x, IReadOnlyList<int> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        int n = x.Count;
        if (n == 0 || y.Count != n)
        {
            throw new ArgumentException($"a polygon needs one y per x and at least one point ({x.Count} x, {y.Count} y)", nameof(y));
        }

        int left = x.Min();
        int top = y.Min();
        int right = x.Max();
        int bottom = y.Max();
        bool wide = right > short.MaxValue || bottom > short.MaxValue;
        var bytes = new byte[HeaderSize + (4 * n) + (wide ? 8 * n : 0)];
        Span<byte> h = bytes;
        "Iout"u8.CopyTo(h);
        BinaryPrimitives.WriteInt16BigEndian(h[4..], Version);
        h[6] = PolygonType;
        BinaryPrimitives.WriteInt16BigEndian(h[8..], Clamp(top));
        BinaryPrimitives.WriteInt16BigEndian(h[10..], Clamp(left));
        BinaryPrimitives.WriteInt16BigEndian(h[12..], Clamp(bottom));
        BinaryPrimitives.WriteInt16BigEndian(h[14..], Clamp(right));
        if (n <= ushort.MaxValue)
        {
            BinaryPrimitives.WriteUInt16BigEndian(h[16..], (ushort)n);
        }
        else
        {
            // More points than 16 bits count: ImageJ reads 0 there and the count from the int at 18.
            BinaryPrimitives.WriteInt32BigEndian(h[18..], n);
        }

        if (wide)
        {
            BinaryPrimitives.WriteInt16BigEndian(h[50..], SubPixelResolution);
        }

        for (int i = 0; i < n; i++)
        {
            // Relative coordinates: unsigned 16-bit in ImageJ's reader, exact for any polygon narrower than 65,536.
            BinaryPrimitives.WriteUInt16BigEndian(h[(HeaderSize + (2 * i))..], (ushort)(x[i] - left));
            BinaryPrimitives.WriteUInt16BigEndian(h[(HeaderSize + (2 * (n + i)))..], (ushort)(y[i] - top));
            if (wide)
            {
                BinaryPrimitives.WriteSingleBigEndian(h[(HeaderSize + (4 * n) + (4 * i))..], x[i]);
                BinaryPrimitives.WriteSingleBigEndian(h[(HeaderSize + (8 * n) + (4 * i))..], y[i]);
            }
        }

        return bytes;
    }

    private static short Clamp(int v) => (short)Math.Min(v, short.MaxValue);
}

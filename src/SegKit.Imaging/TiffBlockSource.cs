using System.Buffers.Binary;
using System.Globalization;
using BitMiracle.LibTiff.Classic;
using SegKit.Core;
using SegKit.Core.Blocks;
using SegKit.Core.Images;

namespace SegKit.Imaging;

/// <summary>
/// A TIFF or BigTIFF read region by region through LibTiff.NET: only the tiles (or strips) a region touches are
/// decoded, so an image of any size is read in the memory of one block. 8/16/32-bit integer and 32-bit float samples,
/// 1 to 4 channels, interleaved. A tile or strip that cannot be decoded is read as zeros and reported in
/// <see cref="Problems"/> (once); the rest of the image is read as usual.
/// </summary>
public sealed class TiffBlockSource : IImageBlockSource, IDisposable
{
    private readonly Tiff _tiff;
    private readonly string _path;
    private readonly int _bytesPerSample;
    private readonly SampleFormat _format;
    private readonly int _pieceWidth;
    private readonly int _pieceHeight;
    private readonly bool _tiled;
    private readonly Lock _gate = new();
    private readonly SortedSet<string> _problems = new(StringComparer.Ordinal);

    private TiffBlockSource(Tiff tiff, string path, int width, int height, int channels, int bytesPerSample, SampleFormat format, bool tiled, int pieceWidth, int pieceHeight)
    {
        _tiff = tiff;
        _path = path;
        Width = width;
        Height = height;
        Channels = channels;
        _bytesPerSample = bytesPerSample;
        _format = format;
        _tiled = tiled;
        _pieceWidth = pieceWidth;
        _pieceHeight = pieceHeight;
    }

    public int Height { get; }

    public int Width { get; }

    public int Channels { get; }

    /// <summary>Whether the file is tiled (false: striped).</summary>
    public bool Tiled => _tiled;

    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_gate)
            {
                return [.. _problems];
            }
        }
    }

    /// <summary>Opens the first page of a TIFF for region reads.</summary>
    /// <exception cref="InvalidImageException">Not a TIFF, or a layout SegKit does not read by regions (planar, palette, odd sample sizes).</exception>
    public static TiffBlockSource Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new InvalidImageException("the file does not exist", path);
        }

        TiffMessages.Install();
        Tiff? tiff = Tiff.Open(path, "r") ?? throw new InvalidImageException($"not a readable TIFF ({TiffMessages.TakeLast("LibTiff could not open it")})", path);
        try
        {
            int width = Int(tiff, TiffTag.IMAGEWIDTH) ?? throw new InvalidImageException("the TIFF has no image width", path);
            int height = Int(tiff, TiffTag.IMAGELENGTH) ?? throw new InvalidImageException("the TIFF has no image length", path);
            int channels = Int(tiff, TiffTag.SAMPLESPERPIXEL) ?? 1;
            int bits = Int(tiff, TiffTag.BITSPERSAMPLE) ?? 1;
            var format = (SampleFormat)(Int(tiff, TiffTag.SAMPLEFORMAT) ?? (int)SampleFormat.UINT);
            var planar = (PlanarConfig)(Int(tiff, TiffTag.PLANARCONFIG) ?? (int)PlanarConfig.CONTIG);
            var photometric = (Photometric)(Int(tiff, TiffTag.PHOTOMETRIC) ?? (int)Photometric.MINISBLACK);
            if (channels is < 1 or > 4 || bits is not (8 or 16 or 32) || (format == SampleFormat.IEEEFP && bits != 32) || format is not (SampleFormat.UINT or SampleFormat.INT or SampleFormat.IEEEFP))
            {
                throw new InvalidImageException(string.Create(CultureInfo.InvariantCulture, $"{channels} channel(s) of {bits}-bit {format} samples cannot be read by regions (1-4 channels of 8/16/32-bit integers or 32-bit floats)"), path);
            }

            if (planar != PlanarConfig.CONTIG || photometric is Photometric.PALETTE or Photometric.YCBCR or Photometric.SEPARATED)
            {
                throw new InvalidImageException($"a {planar} {photometric} TIFF cannot be read by regions (interleaved grayscale or RGB(A) only)", path);
            }

            bool tiled = tiff.IsTiled();
            int pieceWidth = tiled ? Int(tiff, TiffTag.TILEWIDTH) ?? 0 : width;
            int pieceHeight = tiled ? Int(tiff, TiffTag.TILELENGTH) ?? 0 : Math.Min(height, Int(tiff, TiffTag.ROWSPERSTRIP) ?? height);
            if (pieceWidth <= 0 || pieceHeight <= 0)
            {
                throw new InvalidImageException("the TIFF's tile or strip size is missing or zero", path);
            }

            return new TiffBlockSource(tiff, path, width, height, channels, bits / 8, format, tiled, pieceWidth, pieceHeight);
        }
        catch
        {
            tiff.Dispose();
            throw;
        }
    }

    public Image Read(BlockRegion region)
    {
        if (region.Top < 0 || region.Left < 0 || region.Bottom > Height || region.Right > Width || region.Height <= 0 || region.Width <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(region), region, $"outside the {Width}x{Height} image");
        }

        var image = new Image(Channels, region.Height, region.Width);
        // LibTiff's handle is not thread-safe: one region at a time.
        lock (_gate)
        {
            int pieceBytes = _tiled ? _tiff.TileSize() : _tiff.StripSize();
            byte[] buffer = new byte[pieceBytes];
            for (int py = region.Top / _pieceHeight * _pieceHeight; py < region.Bottom; py += _pieceHeight)
            {
                for (int px = _tiled ? region.Left / _pieceWidth * _pieceWidth : 0; px < region.Right; px += _pieceWidth)
                {
                    int index = _tiled ? _tiff.ComputeTile(px, py, 0, 0) : py / _pieceHeight;
                    int read = _tiled ? _tiff.ReadEncodedTile(index, buffer, 0, pieceBytes) : _tiff.ReadEncodedStrip(index, buffer, 0, pieceBytes);
                    if (read < 0)
                    {
                        string what = _tiled ? $"tile at x {px}, y {py} ({_pieceWidth}x{_pieceHeight})" : $"strip of rows {py}-{Math.Min(Height, py + _pieceHeight) - 1}";
                        _problems.Add($"{_path}: the {what} cannot be decoded ({TiffMessages.TakeLast("corrupt data")}); read as zeros");
                        continue;
                    }

                    Copy(buffer, px, py, region, image);
                }
            }
        }

        return image;
    }

    /// <summary>Copies the part of one decoded tile or strip (at <paramref name="px"/>, <paramref name="py"/>) that lies in the region.</summary>
    private void Copy(byte[] piece, int px, int py, BlockRegion region, Image image)
    {
        int y0 = Math.Max(py, region.Top), y1 = Math.Min(Math.Min(py + _pieceHeight, Height), region.Bottom);
        int x0 = Math.Max(px, region.Left), x1 = Math.Min(Math.Min(px + _pieceWidth, Width), region.Right);
        int stride = _pieceWidth * Channels * _bytesPerSample;
        // LibTiff hands decoded samples over in the machine's byte order, whatever the file's.
        bool bigEndian = !BitConverter.IsLittleEndian;
        for (int y = y0; y < y1; y++)
        {
            int rowStart = ((y - py) * stride) + ((x0 - px) * Channels * _bytesPerSample);
            int target = ((y - region.Top) * region.Width) + (x0 - region.Left);
            for (int x = x0; x < x1; x++, target++)
            {
                for (int c = 0; c < Channels; c++)
                {
                    int at = rowStart + ((((x - x0) * Channels) + c) * _bytesPerSample);
                    image.Plane(c)[target] = Sample(piece.AsSpan(at, _bytesPerSample), bigEndian);
                }
            }
        }
    }

    private float Sample(ReadOnlySpan<byte> bytes, bool bigEndian) => (_bytesPerSample, _format) switch
    {
        (1, SampleFormat.INT) => (sbyte)bytes[0],
        (1, _) => bytes[0],
        (2, SampleFormat.INT) => bigEndian ? BinaryPrimitives.ReadInt16BigEndian(bytes) : BinaryPrimitives.ReadInt16LittleEndian(bytes),
        (2, _) => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        (4, SampleFormat.IEEEFP) => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(bytes) : BinaryPrimitives.ReadSingleLittleEndian(bytes),
        (4, SampleFormat.INT) => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(bytes) : BinaryPrimitives.ReadInt32LittleEndian(bytes),
        _ => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes),
    };

    private static int? Int(Tiff tiff, TiffTag tag) => tiff.GetField(tag) is { Length: > 0 } value ? value[0].ToInt() : null;

    public void Dispose() => _tiff.Dispose();
}

using BitMiracle.LibTiff.Classic;
using SegKit.Core;
using SegKit.Core.Blocks;

namespace SegKit.Imaging;

/// <summary>
/// Writes a label image of any size as a tiled BigTIFF (32-bit unsigned labels, 256 x 256 tiles, deflate), band by band
/// as <see cref="BlockSegmentation"/> finishes rows, holding at most one row of tiles. The file appears under its name
/// only when <see cref="Complete"/> has written the last band (a temporary name before; disposed unfinished, nothing is left).
/// </summary>
public sealed class TiledLabelTiffWriter : ILabelBandSink, IDisposable
{
    public const int TileSize = 256;

    private readonly string _path;
    private readonly string _temp;
    private readonly int _height;
    private readonly int _width;
    private readonly int[] _pending;
    private readonly byte[] _tile = new byte[TileSize * TileSize * sizeof(uint)];
    private Tiff? _tiff;
    private int _pendingTop;
    private int _pendingRows;
    private bool _completed;

    public TiledLabelTiffWriter(string path, int height, int width)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        _path = Path.GetFullPath(path);
        _height = height;
        _width = width;
        _pending = new int[TileSize * width];
        string dir = Path.GetDirectoryName(_path) ?? ".";
        if (!Directory.Exists(dir))
        {
            throw new OutputWriteException("the output folder does not exist", dir);
        }

        _temp = Path.Combine(dir, $".{Path.GetFileNameWithoutExtension(_path)}.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp.tif");
        TiffMessages.Install();
        _tiff = Tiff.Open(_temp, "w8") ?? throw new OutputWriteException($"cannot create the BigTIFF ({TiffMessages.TakeLast("LibTiff could not open it")})", path);
        _tiff.SetField(TiffTag.IMAGEWIDTH, width);
        _tiff.SetField(TiffTag.IMAGELENGTH, height);
        _tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
        _tiff.SetField(TiffTag.BITSPERSAMPLE, 32);
        _tiff.SetField(TiffTag.SAMPLEFORMAT, SampleFormat.UINT);
        _tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
        _tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        _tiff.SetField(TiffTag.TILEWIDTH, TileSize);
        _tiff.SetField(TiffTag.TILELENGTH, TileSize);
        _tiff.SetField(TiffTag.COMPRESSION, Compression.ADOBE_DEFLATE);
        _tiff.SetField(TiffTag.SOFTWARE, "SegKit");
    }

    /// <summary>Bands must come in order, top to bottom, each starting where the last ended.</summary>
    public void WriteBand(int top, int rows, ReadOnlySpan<int> labels)
    {
        ObjectDisposedException.ThrowIf(_tiff is null, this);
        if (top != _pendingTop + _pendingRows)
        {
            throw new InvalidOperationException($"band at row {top} out of order (expected row {_pendingTop + _pendingRows})");
        }

        for (int r = 0; r < rows; r++)
        {
            labels.Slice(r * _width, _width).CopyTo(_pending.AsSpan(_pendingRows * _width));
            if (++_pendingRows == TileSize || _pendingTop + _pendingRows == _height)
            {
                FlushTileRow();
            }
        }
    }

    /// <summary>Finishes the file and moves it under its name.</summary>
    /// <exception cref="InvalidOperationException">Not every row was written.</exception>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_tiff is null, this);
        if (_pendingTop + _pendingRows != _height)
        {
            throw new InvalidOperationException($"{_pendingTop + _pendingRows} of {_height} rows were written");
        }

        bool ok = _tiff.WriteDirectory();
        _tiff.Dispose();
        _tiff = null;
        if (!ok)
        {
            File.Delete(_temp);
            throw new OutputWriteException($"writing the TIFF directory failed ({TiffMessages.TakeLast("disk full?")})", _path);
        }

        File.Move(_temp, _path, overwrite: true);
        _completed = true;
    }

    private void FlushTileRow()
    {
        for (int tx = 0; tx < _width; tx += TileSize)
        {
            Array.Clear(_tile);
            int columns = Math.Min(TileSize, _width - tx);
            for (int y = 0; y < _pendingRows; y++)
            {
                ReadOnlySpan<int> source = _pending.AsSpan((y * _width) + tx, columns);
                Span<byte> target = _tile.AsSpan(y * TileSize * sizeof(uint), columns * sizeof(uint));
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(source).CopyTo(target);
            }

            int index = _tiff!.ComputeTile(tx, _pendingTop, 0, 0);
            if (_tiff.WriteEncodedTile(index, _tile, _tile.Length) < 0)
            {
                throw new OutputWriteException($"writing a tile failed ({TiffMessages.TakeLast("disk full?")})", _path);
            }
        }

        _pendingTop += _pendingRows;
        _pendingRows = 0;
    }

    public void Dispose()
    {
        _tiff?.Dispose();
        _tiff = null;
        if (!_completed && File.Exists(_temp))
        {
            File.Delete(_temp);
        }
    }
}

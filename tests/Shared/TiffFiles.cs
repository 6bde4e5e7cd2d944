using BitMiracle.LibTiff.Classic;
using SegKit.Core.Images;

namespace SegKit.Testing;

/// <summary>Writes test TIFFs with LibTiff.NET: tiled or striped, 8-bit, 1 or 3 channels, deflate (the layouts whole-slide scanners and stitchers produce).</summary>
internal static class TiffFiles
{
    /// <param name="tile">Tile side; 0 writes strips of <paramref name="rowsPerStrip"/> rows instead.</param>
    public static void Write8Bit(string path, Image image, int tile, int rowsPerStrip = 64, bool bigTiff = false)
    {
        using Tiff tiff = Tiff.Open(path, bigTiff ? "w8" : "w") ?? throw new IOException($"cannot create {path}");
        int channels = image.Channels;
        tiff.SetField(TiffTag.IMAGEWIDTH, image.Width);
        tiff.SetField(TiffTag.IMAGELENGTH, image.Height);
        tiff.SetField(TiffTag.SAMPLESPERPIXEL, channels);
        tiff.SetField(TiffTag.BITSPERSAMPLE, 8);
        tiff.SetField(TiffTag.PHOTOMETRIC, channels == 1 ? Photometric.MINISBLACK : Photometric.RGB);
        tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        tiff.SetField(TiffTag.COMPRESSION, Compression.ADOBE_DEFLATE);
        int pieceWidth = tile > 0 ? tile : image.Width;
        int pieceHeight = tile > 0 ? tile : rowsPerStrip;
        if (tile > 0)
        {
            tiff.SetField(TiffTag.TILEWIDTH, tile);
            tiff.SetField(TiffTag.TILELENGTH, tile);
        }
        else
        {
            tiff.SetField(TiffTag.ROWSPERSTRIP, rowsPerStrip);
        }

        byte[] piece = new byte[pieceWidth * pieceHeight * channels];
        for (int py = 0; py < image.Height; py += pieceHeight)
        {
            for (int px = 0; px < image.Width; px += pieceWidth)
            {
                Array.Clear(piece);
                int rows = Math.Min(pieceHeight, image.Height - py);
                for (int y = 0; y < rows; y++)
                {
                    for (int x = 0; x < Math.Min(pieceWidth, image.Width - px); x++)
                    {
                        for (int c = 0; c < channels; c++)
                        {
                            piece[(((y * pieceWidth) + x) * channels) + c] = (byte)Math.Clamp(image.Plane(c)[((py + y) * image.Width) + px + x], 0, 255);
                        }
                    }
                }

                if (tile > 0)
                {
                    tiff.WriteEncodedTile(tiff.ComputeTile(px, py, 0, 0), piece, piece.Length);
                }
                else
                {
                    tiff.WriteEncodedStrip(py / pieceHeight, piece, rows * pieceWidth * channels);
                }
            }
        }

        tiff.WriteDirectory();
    }
}

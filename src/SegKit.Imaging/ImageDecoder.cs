using OpenCvSharp;
using SegKit.Core;
using SegKit.Imaging.Formats;

namespace SegKit.Imaging;

/// <summary>
/// Reads a file into memory, checks its header in managed code, then decodes the chosen page with OpenCV.
/// OpenCV reports most failures by returning an empty matrix (and printing a warning), so every outcome is
/// checked here and turned into an <see cref="InvalidImageException"/> that names the file and the problem.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>The decoded page as OpenCV delivers it (BGR(A) order, stored depth); the caller disposes it.</summary>
    public static Mat Decode(string path, int page, out ImageFileInfo info) => Decode(InputFile.ReadAllBytes(path), path, page, out info);

    /// <param name="path">The name errors give the data (a file path, or an upload's name).</param>
    public static Mat Decode(byte[] bytes, string path, int page, out ImageFileInfo info)
    {
        ImageHeader header;
        using (var stream = new MemoryStream(bytes, writable: false))
        {
            header = ImageHeader.Read(stream, path);
        }

        int pages = header.Info.PageCount;
        if (page < 0 || page >= pages)
        {
            throw new ArgumentOutOfRangeException(nameof(page), page, $"{path}: page {page} was asked for but the file has {pages} page(s), numbered from 0");
        }

        info = header.Page(page);
        if (info.Format == ImageFormat.Png)
        {
            PngHeader.CheckChunks(bytes, path);
        }

        if (page > 0)
        {
            header.Tiff!.MakeFirstPage(bytes, page);
        }

        if (info.Format == ImageFormat.Tiff && info.SampleType == SampleType.UInt32)
        {
            return UInt32TiffReader.Read(bytes, header.Tiff!, page, path);
        }

        Mat mat;
        try
        {
            mat = Cv2.ImDecode(bytes, ImreadModes.Unchanged);
        }
        catch (OpenCVException e)
        {
            throw new InvalidImageException($"the {info.Format.ToString().ToUpperInvariant()} decoder failed: {e.Message}", path, e);
        }

        if (mat.Empty())
        {
            mat.Dispose();
            throw new InvalidImageException(WhyUndecodable(bytes, header, page), path);
        }

        if (mat.Rows != info.Height || mat.Cols != info.Width)
        {
            string decoded = $"{mat.Cols}x{mat.Rows}";
            mat.Dispose();
            throw new InvalidImageException($"the header says {info.Width}x{info.Height} pixels but the decoder produced {decoded}", path);
        }

        return mat;
    }

    private static string WhyUndecodable(ReadOnlySpan<byte> bytes, ImageHeader header, int page) => header.Info.Format switch
    {
        ImageFormat.Png when !PngHeader.EndsWithEndChunk(bytes) =>
            "the PNG data cannot be decoded: the file is truncated (it does not end with the IEND chunk)",
        ImageFormat.Jpeg when !(bytes.Length >= 2 && bytes[^2] == 0xFF && bytes[^1] == 0xD9) =>
            "the JPEG data cannot be decoded: the file is truncated (it does not end with the end-of-image marker)",
        ImageFormat.Tiff =>
            $"the pixel data of TIFF page {page} cannot be decoded (compression {header.Tiff!.Pages[page].Compression}): the file is corrupt or uses a compression the decoder lacks",
        _ => $"the {header.Info.Format.ToString().ToUpperInvariant()} data cannot be decoded: the file is corrupt",
    };
}

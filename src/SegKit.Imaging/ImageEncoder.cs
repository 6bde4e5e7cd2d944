using OpenCvSharp;
using SegKit.Core;

namespace SegKit.Imaging;

/// <summary>Encodes with OpenCV into memory, so that a failed encode never touches the file system.</summary>
internal static class ImageEncoder
{
    public static byte[] Encode(string extension, Mat mat, string path)
    {
        try
        {
            if (Cv2.ImEncode(extension, mat, out byte[] encoded) && encoded.Length > 0)
            {
                return encoded;
            }
        }
        catch (OpenCVException e)
        {
            throw new OutputWriteException($"the {extension} encoder failed: {e.Message}", path, e);
        }

        throw new OutputWriteException($"the {extension} encoder produced nothing", path);
    }
}

using OpenCvSharp;
using SegKit.Core;
using SegKit.Core.Images;
using SegKit.Core.IO;

namespace SegKit.Imaging;

/// <summary>
/// Reads and writes instance label images: one channel of non-negative integers, 0 = background.
/// Written as 16-bit PNG or TIFF, or 32-bit TIFF when labels exceed 65,535.
/// </summary>
public static class LabelImageFile
{
    public static LabelImage Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Mat[] pages = OpenCvFile.ReadPages(path);
        try
        {
            if (pages.Length > 1)
            {
                throw new InvalidImageException($"a label image has one page; this file has {pages.Length}", path);
            }

            Mat mat = pages[0];
            if (mat.Channels() != 1)
            {
                throw new InvalidImageException($"a label image has one channel; this file has {mat.Channels()} (a colour picture of masks cannot be read as labels)", path);
            }

            // ConvertTo allocates a fresh, continuous Mat, so its pixels can be copied out in one call.
            using Mat asInt = ToInt32(mat, path);
            asInt.GetArray(out int[] labels);
            for (int i = 0; i < labels.Length; i++)
            {
                if (labels[i] < 0)
                {
                    throw new InvalidImageException($"label images hold no negative values; pixel ({i / mat.Cols},{i % mat.Cols}) is {labels[i]}", path);
                }
            }

            return new LabelImage(mat.Rows, mat.Cols, labels);
        }
        finally
        {
            foreach (Mat m in pages)
            {
                m.Dispose();
            }
        }
    }

    /// <summary>
    /// Writes atomically by extension: .png as 16-bit (labels up to 65,535), .tif/.tiff as 16-bit, or 32-bit
    /// signed integers when a label exceeds 65,535.
    /// </summary>
    public static void Write(string path, LabelImage labels)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(labels);
        string ext = Path.GetExtension(path).ToLowerInvariant();
        bool wide = labels.MaxLabel > ushort.MaxValue;
        if (ext == ".png" && wide)
        {
            throw new OutputWriteException($"{labels.MaxLabel} labels do not fit a 16-bit PNG; write a .tif instead", path);
        }

        if (ext is not (".png" or ".tif" or ".tiff"))
        {
            throw new OutputWriteException("label images are written as .png or .tif", path);
        }

        using Mat mat = new(labels.Height, labels.Width, MatType.CV_32SC1);
        mat.SetArray(labels.Buffer);
        using Mat output = new();
        if (wide)
        {
            mat.CopyTo(output);
        }
        else
        {
            mat.ConvertTo(output, MatType.CV_16UC1);
        }

        AtomicFile.WriteVia(path, temp =>
        {
            if (!Cv2.ImWrite(temp, output))
            {
                throw new OutputWriteException("the encoder refused the label image", path);
            }
        });
    }

    private static Mat ToInt32(Mat mat, string path)
    {
        int depth = mat.Type().Depth;
        if (depth is MatType.CV_32F or MatType.CV_64F)
        {
            using Mat asDouble = new();
            mat.ConvertTo(asDouble, MatType.CV_64FC1);
            asDouble.GetArray(out double[] values);
            for (int i = 0; i < values.Length; i++)
            {
                double v = values[i];
                if (!double.IsFinite(v) || v != Math.Floor(v) || v < 0 || v > int.MaxValue)
                {
                    throw new InvalidImageException($"label images hold non-negative integers; pixel ({i / mat.Cols},{i % mat.Cols}) is {v}", path);
                }
            }
        }

        var result = new Mat();
        mat.ConvertTo(result, MatType.CV_32SC1);
        return result;
    }
}

using System.Numerics;
using OpenCvSharp;
using SegKit.Core;
using SegKit.Core.Images;

namespace SegKit.Imaging;

/// <summary>
/// Copies between OpenCV's interleaved BGR(A) matrices and SegKit's planar RGB(A) images and int label images.
/// Decoded matrices are continuous, so each copy is one linear pass over native memory.
/// </summary>
internal static unsafe class MatConversion
{
    /// <summary>A float image with channels in RGB(A) order; values as stored (no scaling).</summary>
    public static Image ToImage(Mat mat)
    {
        int channels = mat.Channels();
        using Mat? converted = mat.Depth() == MatType.CV_32F ? null : new Mat();
        Mat source = mat;
        if (converted is not null)
        {
            mat.ConvertTo(converted, MatType.CV_32FC(channels));
            source = converted;
        }

        RequireContinuous(source);
        var image = new Image(channels, source.Rows, source.Cols);
        int plane = image.PlaneSize;
        var src = new ReadOnlySpan<float>(source.DataPointer, plane * channels);
        if (channels == 1)
        {
            src.CopyTo(image.Data);
            return image;
        }

        for (int c = 0; c < channels; c++)
        {
            Span<float> dst = image.Plane(RgbIndex(c, channels));
            for (int i = 0, j = c; i < plane; i++, j += channels)
            {
                dst[i] = src[j];
            }
        }

        return image;
    }

    /// <summary>
    /// A label image from a single-channel matrix of any integer or float depth. Negative, fractional and
    /// non-finite values are refused with the first offending pixel named.
    /// </summary>
    public static LabelImage ToLabels(Mat mat, ImageFileInfo info)
    {
        if (mat.Channels() != 1)
        {
            throw new InvalidImageException($"a label image must have one channel; this one has {mat.Channels()}", info.Path);
        }

        RequireContinuous(mat);
        int width = mat.Cols;
        var labels = new int[mat.Rows * width];
        switch (mat.Depth())
        {
            case MatType.CV_8U:
                Widen(new ReadOnlySpan<byte>(mat.DataPointer, labels.Length), labels);
                break;
            case MatType.CV_16U:
                Widen(new ReadOnlySpan<ushort>(mat.DataPointer, labels.Length), labels);
                break;
            case MatType.CV_8S:
                CopySigned(new ReadOnlySpan<sbyte>(mat.DataPointer, labels.Length), labels, width, info);
                break;
            case MatType.CV_16S:
                CopySigned(new ReadOnlySpan<short>(mat.DataPointer, labels.Length), labels, width, info);
                break;
            case MatType.CV_32S:
                CopySigned(new ReadOnlySpan<int>(mat.DataPointer, labels.Length), labels, width, info);
                break;
            case MatType.CV_32F:
                CopyIntegral(new ReadOnlySpan<float>(mat.DataPointer, labels.Length), labels, width, info);
                break;
            case MatType.CV_64F:
                CopyIntegral(new ReadOnlySpan<double>(mat.DataPointer, labels.Length), labels, width, info);
                break;
            default:
                using (var asFloat = new Mat())
                {
                    mat.ConvertTo(asFloat, MatType.CV_32FC1);
                    CopyIntegral(new ReadOnlySpan<float>(asFloat.DataPointer, labels.Length), labels, width, info);
                }

                break;
        }

        return new LabelImage(mat.Rows, width, labels);
    }

    /// <summary>A single-channel matrix (CV_16UC1 or CV_32SC1) holding <paramref name="labels"/>.</summary>
    public static Mat FromLabels(LabelImage labels, bool wide)
    {
        var mat = new Mat(labels.Height, labels.Width, wide ? MatType.CV_32SC1 : MatType.CV_16UC1);
        ReadOnlySpan<int> src = labels.Data;
        if (wide)
        {
            src.CopyTo(new Span<int>(mat.DataPointer, src.Length));
        }
        else
        {
            var dst = new Span<ushort>(mat.DataPointer, src.Length);
            for (int i = 0; i < src.Length; i++)
            {
                dst[i] = (ushort)src[i];
            }
        }

        return mat;
    }

    /// <summary>OpenCV stores colour as BGR(A); SegKit as RGB(A). Other channel counts keep their order.</summary>
    public static int RgbIndex(int cvChannel, int channels) =>
        channels is 3 or 4 && cvChannel is 0 or 2 ? 2 - cvChannel : cvChannel;

    private static void Widen<T>(ReadOnlySpan<T> src, Span<int> dst)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (int i = 0; i < src.Length; i++)
        {
            dst[i] = int.CreateTruncating(src[i]);
        }
    }

    private static void CopySigned<T>(ReadOnlySpan<T> src, Span<int> dst, int width, ImageFileInfo info)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (int i = 0; i < src.Length; i++)
        {
            int v = int.CreateTruncating(src[i]);
            if (v < 0)
            {
                throw new InvalidImageException($"the value {v} is negative at row {i / width}, column {i % width}; labels are 0 (background) or positive integers", info.Path);
            }

            dst[i] = v;
        }
    }

    private static void CopyIntegral<T>(ReadOnlySpan<T> src, Span<int> dst, int width, ImageFileInfo info)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < src.Length; i++)
        {
            double v = double.CreateTruncating(src[i]);
            if (!(v >= 0 && v <= int.MaxValue && Math.Floor(v) == v))
            {
                string problem = v switch
                {
                    double.NaN => "the value is NaN",
                    < 0 => $"the value {v} is negative",
                    > int.MaxValue => $"the value {v} is larger than the largest label SegKit holds ({int.MaxValue})",
                    _ => $"the value {v} is not a whole number",
                };
                throw new InvalidImageException($"{problem} at row {i / width}, column {i % width}; labels are 0 (background) or positive integers", info.Path);
            }

            dst[i] = (int)v;
        }
    }

    private static void RequireContinuous(Mat mat)
    {
        if (!mat.IsContinuous())
        {
            throw new InvalidOperationException("expected a continuous matrix from the decoder");
        }
    }
}

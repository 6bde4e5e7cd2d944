namespace SegKit.Training.Augmentation;

/// <summary>Samples a plane at arbitrary source positions: bilinear for values, nearest for labels; outside the image is 0.</summary>
internal static class Warp
{
    public static void Bilinear(ReadOnlySpan<float> plane, int height, int width, float[] sourceY, float[] sourceX, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            float y = sourceY[i];
            float x = sourceX[i];
            if (!(y > -1 && y < height && x > -1 && x < width))
            {
                destination[i] = 0;
                continue;
            }

            int y0 = (int)MathF.Floor(y);
            int x0 = (int)MathF.Floor(x);
            float fy = y - y0;
            float fx = x - x0;
            float v00 = At(plane, height, width, y0, x0);
            float v01 = At(plane, height, width, y0, x0 + 1);
            float v10 = At(plane, height, width, y0 + 1, x0);
            float v11 = At(plane, height, width, y0 + 1, x0 + 1);
            float top = v00 + ((v01 - v00) * fx);
            float bottom = v10 + ((v11 - v10) * fx);
            destination[i] = top + ((bottom - top) * fy);
        }
    }

    public static int[] Nearest(int[] labels, int height, int width, float[] sourceY, float[] sourceX)
    {
        var result = new int[sourceY.Length];
        for (int i = 0; i < result.Length; i++)
        {
            int y = (int)MathF.Round(sourceY[i]);
            int x = (int)MathF.Round(sourceX[i]);
            result[i] = (uint)y < (uint)height && (uint)x < (uint)width ? labels[(y * width) + x] : 0;
        }

        return result;
    }

    private static float At(ReadOnlySpan<float> plane, int height, int width, int y, int x) =>
        (uint)y < (uint)height && (uint)x < (uint)width ? plane[(y * width) + x] : 0f;
}

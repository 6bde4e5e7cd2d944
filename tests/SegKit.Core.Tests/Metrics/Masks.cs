using SegKit.Core.Images;

namespace SegKit.Core.Tests.Metrics;

/// <summary>Small label images drawn as text: '.' or '0' is background, '1'..'9' and 'a'..'z' are labels 1..35.</summary>
internal static class Masks
{
    public static LabelImage Draw(params string[] rows)
    {
        int h = rows.Length;
        int w = rows[0].Length;
        var data = new int[h * w];
        for (int y = 0; y < h; y++)
        {
            Assert.Equal(w, rows[y].Length);
            for (int x = 0; x < w; x++)
            {
                char c = rows[y][x];
                data[(y * w) + x] = c switch
                {
                    '.' or '0' => 0,
                    >= '1' and <= '9' => c - '0',
                    >= 'a' and <= 'z' => c - 'a' + 10,
                    _ => throw new ArgumentException($"unexpected character '{c}'"),
                };
            }
        }

        return new LabelImage(h, w, data);
    }
}

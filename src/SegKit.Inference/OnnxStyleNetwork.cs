using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SegKit.Core.Images;
using SegKit.Core.Tiling;

namespace SegKit.Inference;

/// <summary>
/// The encoder of a Cellpose network, as its own session over the part of the graph that computes the "style" output
/// (about half the network's work), and an image's style: the mean over up to four windows at the image's own scale,
/// L2-normalised as Cellpose does. Thread-safe (ONNX Runtime's Run may be called concurrently).
/// </summary>
public sealed class OnnxStyleNetwork : IDisposable
{
    /// <summary>The output name SegKit's Cellpose exporter gives the style vector.</summary>
    public const string StyleOutputName = "style";

    private readonly InferenceSession _session;
    private readonly string _input;

    public OnnxStyleNetwork(InferenceSession session, int styleLength, string? inputName = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfLessThan(styleLength, 1);
        _session = session;
        _input = inputName ?? session.InputMetadata.Keys.First();
        StyleLength = styleLength;
    }

    public int StyleLength { get; }

    /// <summary>Styles of <paramref name="count"/> tiles (count x channels x tile x tile, C order): count x StyleLength values.</summary>
    public float[] Run(ReadOnlySpan<float> input, int count, int channels, int tileSize)
    {
        var tensor = new DenseTensor<float>(input.ToArray(), [count, channels, tileSize, tileSize]);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_input, tensor)], [StyleOutputName]);
        float[] styles = [.. results[0].AsTensor<float>()];
        if (styles.Length != count * StyleLength)
        {
            throw new InvalidOperationException($"the style network returned {styles.Length} values for {count} tile(s); {count * StyleLength} expected");
        }

        return styles;
    }

    /// <summary>
    /// The image's style: windows of <paramref name="tileSize"/> at the image's own scale (mirror-padded where it is
    /// smaller), one in the centre, or the centres of the four quadrants when the image is 16 tiles or more, averaged and
    /// L2-normalised. A quarter of a whole pass or less, for any image size.
    /// </summary>
    public float[] ImageStyle(Image input, int tileSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        var plan = TilePlan.Create(input.Height, input.Width, tileSize);
        int grid = plan.Tiles.Count >= 16 ? 2 : 1;
        int size = input.Channels * tileSize * tileSize;
        var windows = new float[grid * grid * size];
        int k = 0;
        for (int gy = 0; gy < grid; gy++)
        {
            for (int gx = 0; gx < grid; gx++)
            {
                var tile = new Tile(k, WindowStart(plan.PadTop, input.Height, plan.PaddedHeight, tileSize, gy, grid), WindowStart(plan.PadLeft, input.Width, plan.PaddedWidth, tileSize, gx, grid));
                plan.Extract(input, tile, windows.AsSpan(k * size, size));
                k++;
            }
        }

        float[] styles = Run(windows, k, input.Channels, tileSize);
        var mean = new float[StyleLength];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < StyleLength; j++)
            {
                mean[j] += styles[(i * StyleLength) + j];
            }
        }

        double norm = Math.Sqrt(mean.Sum(v => (double)v * v));
        if (norm > 0)
        {
            for (int j = 0; j < StyleLength; j++)
            {
                mean[j] = (float)(mean[j] / norm);
            }
        }

        return mean;
    }

    public void Dispose() => _session.Dispose();

    /// <summary>The top (or left) of window <paramref name="index"/> of <paramref name="grid"/>, centred on its share of the image, in the padded frame.</summary>
    private static int WindowStart(int pad, int length, int paddedLength, int tileSize, int index, int grid)
    {
        double centre = pad + (length * ((2 * index) + 1) / (2.0 * grid));
        return Math.Clamp((int)Math.Round(centre - (tileSize / 2.0)), 0, paddedLength - tileSize);
    }
}

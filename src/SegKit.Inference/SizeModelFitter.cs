using SegKit.Core.Images;
using SegKit.Core.Transforms;
using SegKit.Onnx;

namespace SegKit.Inference;

/// <summary>
/// Fits Cellpose's size model for a network: each training image is resampled to a few random object diameters
/// (log-uniform between <see cref="MinimumRatio"/> and <see cref="MaximumRatio"/> times the model's diameter), its style
/// taken exactly as inference takes it, and a ridge regression fitted from style to log(diameter / model diameter).
/// </summary>
public sealed class SizeModelFitter(OnnxStyleNetwork network, double modelDiameter, int tileSize)
{
    /// <summary>Resampled copies per training image.</summary>
    public int ScalesPerImage { get; init; } = 4;

    public const double DefaultMinimumRatio = 1.0 / 3;

    public const double DefaultMaximumRatio = 2;

    public double MinimumRatio { get; init; } = DefaultMinimumRatio;

    public double MaximumRatio { get; init; } = DefaultMaximumRatio;

    /// <summary>Cellpose's ridge penalty.</summary>
    public double Regularization { get; init; } = 1;

    /// <summary>Resampled images are kept under this many pixels a side (tiny objects in a large image).</summary>
    public int MaximumSide { get; init; } = 2048;

    /// <summary>One training image: normalised as the model's input, with its objects' median diameter in pixels.</summary>
    public readonly record struct Sample(Image Input, double Diameter);

    public SizeModelParameters Fit(IReadOnlyList<Sample> images, int seed, IProgress<int>? progress = null)
    {
        var (styles, targets) = CollectStyles(images, seed, progress);
        return Solve(styles, targets, Regularization);
    }

    /// <summary>The (style, log diameter ratio) pairs <see cref="Fit"/> regresses on, to try several penalties on one collection.</summary>
    public (List<float[]> Styles, List<double> Targets) CollectStyles(IReadOnlyList<Sample> images, int seed, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        var random = new Random(seed);
        var styles = new List<float[]>();
        var targets = new List<double>();
        for (int i = 0; i < images.Count; i++)
        {
            var (input, diameter) = images[i];
            if (!(diameter > 0 && double.IsFinite(diameter)))
            {
                continue; // an image without objects says nothing about their size
            }

            for (int s = 0; s < ScalesPerImage; s++)
            {
                double ratio = Math.Exp(Math.Log(MinimumRatio) + (random.NextDouble() * (Math.Log(MaximumRatio) - Math.Log(MinimumRatio))));
                double scale = Math.Min(modelDiameter * ratio / diameter, MaximumSide / (double)Math.Max(input.Height, input.Width));
                int h = Math.Max(1, (int)Math.Round(input.Height * scale));
                int w = Math.Max(1, (int)Math.Round(input.Width * scale));
                Image scaled = h == input.Height && w == input.Width ? input : Resampling.Bilinear(input, h, w);
                styles.Add(network.ImageStyle(scaled, tileSize));
                targets.Add(Math.Log(diameter * scale / modelDiameter));
            }

            progress?.Report(i + 1);
        }

        if (styles.Count < 2)
        {
            throw new ArgumentException("fitting a size model needs at least one image with objects", nameof(images));
        }

        return (styles, targets);
    }

    /// <summary>Ridge regression on centred styles and targets: (X Xᵀ + λI) a = X y, as Cellpose's train_size.</summary>
    public static SizeModelParameters Solve(IReadOnlyList<float[]> styles, IReadOnlyList<double> targets, double regularization)
    {
        ArgumentNullException.ThrowIfNull(styles);
        ArgumentNullException.ThrowIfNull(targets);
        int n = styles.Count;
        int d = styles[0].Length;
        var mean = new double[d];
        foreach (float[] style in styles)
        {
            for (int j = 0; j < d; j++)
            {
                mean[j] += style[j] / (double)n;
            }
        }

        double yMean = targets.Average();
        var a = new double[d, d + 1]; // the normal equations with X y as the last column
        for (int i = 0; i < n; i++)
        {
            double y = targets[i] - yMean;
            for (int r = 0; r < d; r++)
            {
                double xr = styles[i][r] - mean[r];
                for (int c = 0; c < d; c++)
                {
                    a[r, c] += xr * (styles[i][c] - mean[c]);
                }

                a[r, d] += xr * y;
            }
        }

        for (int r = 0; r < d; r++)
        {
            a[r, r] += regularization;
        }

        double[] coefficients = GaussianElimination(a, d);
        return new SizeModelParameters([.. mean.Select(v => (float)v)], [.. coefficients.Select(v => (float)v)], yMean, n);
    }

    /// <summary>Solves the symmetric positive-definite system in place (partial pivoting for safety).</summary>
    private static double[] GaussianElimination(double[,] a, int d)
    {
        for (int col = 0; col < d; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < d; r++)
            {
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = r;
                }
            }

            if (pivot != col)
            {
                for (int c = 0; c <= d; c++)
                {
                    (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
                }
            }

            for (int r = col + 1; r < d; r++)
            {
                double f = a[r, col] / a[col, col];
                for (int c = col; c <= d; c++)
                {
                    a[r, c] -= f * a[col, c];
                }
            }
        }

        var x = new double[d];
        for (int r = d - 1; r >= 0; r--)
        {
            double sum = a[r, d];
            for (int c = r + 1; c < d; c++)
            {
                sum -= a[r, c] * x[c];
            }

            x[r] = sum / a[r, r];
        }

        return x;
    }
}

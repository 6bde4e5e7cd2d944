using SegKit.Core.Classical;
using SegKit.Core.Flows;
using SegKit.Core.Images;

namespace SegKit.Training.Augmentation;

/// <summary>
/// Draws one random geometric transform (rotation, flips, scale, crop position, optional elastic field) and one
/// intensity change, and applies them consistently to the image (bilinear), the labels (nearest) and the flows
/// (bilinear, vectors rotated and flipped with the image). Deterministic for a given <see cref="Random"/> state.
/// With an elastic field the flows are recomputed from the warped labels, since a local warp bends them.
/// </summary>
public sealed class RandomAugmenter
{
    public RandomAugmenter(AugmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PatchSize < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PatchSize, "PatchSize must be at least 8");
        }

        if (!(options.BaseScale > 0) || !(options.ScaleJitterMin > 0) || options.ScaleJitterMax < options.ScaleJitterMin)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "scales must be positive and ScaleJitterMax >= ScaleJitterMin");
        }

        Options = options;
    }

    public AugmentationOptions Options { get; }

    public TrainingSample Apply(TrainingSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        int size = Options.PatchSize;
        int h = sample.Image.Height;
        int w = sample.Image.Width;
        double theta = Options.Rotate ? random.NextDouble() * 2 * Math.PI : 0;
        double scale = Options.BaseScale * (Options.ScaleJitterMin + (random.NextDouble() * (Options.ScaleJitterMax - Options.ScaleJitterMin)));
        bool flipX = Options.Flip && random.Next(2) == 1;
        bool flipY = Options.Flip && random.Next(2) == 1;

        // Choose the patch centre in the source so the patch overlaps the image as much as possible, at random.
        double reachY = Math.Max(0, (h - (size / scale)) / 2);
        double reachX = Math.Max(0, (w - (size / scale)) / 2);
        double centreY = ((h - 1) / 2.0) + (((random.NextDouble() * 2) - 1) * reachY);
        double centreX = ((w - 1) / 2.0) + (((random.NextDouble() * 2) - 1) * reachX);

        // Output pixel (v, u), centred, un-flipped, un-scaled and un-rotated, gives the source position.
        double cos = Math.Cos(theta);
        double sin = Math.Sin(theta);
        var sourceY = new float[size * size];
        var sourceX = new float[size * size];
        double mid = (size - 1) / 2.0;
        for (int v = 0; v < size; v++)
        {
            for (int u = 0; u < size; u++)
            {
                double dy = ((flipY ? size - 1 - v : v) - mid) / scale;
                double dx = ((flipX ? size - 1 - u : u) - mid) / scale;
                sourceY[(v * size) + u] = (float)(centreY + (cos * dy) - (sin * dx));
                sourceX[(v * size) + u] = (float)(centreX + (sin * dy) + (cos * dx));
            }
        }

        bool elastic = Options.ElasticAlpha > 0;
        if (elastic)
        {
            AddElasticField(sourceY, sourceX, size, random);
        }

        var image = new Image(sample.Image.Channels, size, size);
        for (int c = 0; c < image.Channels; c++)
        {
            Warp.Bilinear(sample.Image.Plane(c), h, w, sourceY, sourceX, image.Plane(c));
        }

        var labels = new LabelImage(size, size, Warp.Nearest(sample.Labels.Buffer, h, w, sourceY, sourceX));
        labels = labels.Renumber();
        FlowField? flows = null;
        if (sample.Flows is not null)
        {
            flows = elastic ? MaskFlows.Compute(labels) : WarpFlows(sample.Flows, sourceY, sourceX, size, theta, flipY, flipX);
        }

        ChangeIntensity(image, random);
        return new TrainingSample(image, labels, flows);
    }

    private static FlowField WarpFlows(FlowField flows, float[] sourceY, float[] sourceX, int size, double theta, bool flipY, bool flipX)
    {
        var warpedY = new float[size * size];
        var warpedX = new float[size * size];
        Warp.Bilinear(flows.DY, flows.Height, flows.Width, sourceY, sourceX, warpedY);
        Warp.Bilinear(flows.DX, flows.Height, flows.Width, sourceY, sourceX, warpedX);

        // A source vector (dy, dx) seen in the output frame: rotate by -theta (the inverse of the sampling rotation),
        // then mirror the flipped axes. Scaling does not change a unit vector's direction.
        float cos = (float)Math.Cos(theta);
        float sin = (float)Math.Sin(theta);
        var result = new FlowField(size, size);
        Span<float> dy = result.DY;
        Span<float> dx = result.DX;
        for (int i = 0; i < warpedY.Length; i++)
        {
            float ry = (cos * warpedY[i]) + (sin * warpedX[i]);
            float rx = (-sin * warpedY[i]) + (cos * warpedX[i]);
            dy[i] = flipY ? -ry : ry;
            dx[i] = flipX ? -rx : rx;
        }

        return result;
    }

    private void AddElasticField(float[] sourceY, float[] sourceX, int size, Random random)
    {
        // U-Net's elastic deformation: smooth random displacements (Gaussian-filtered uniform noise, scaled to alpha pixels).
        var noiseY = new float[size * size];
        var noiseX = new float[size * size];
        for (int i = 0; i < noiseY.Length; i++)
        {
            noiseY[i] = (float)((random.NextDouble() * 2) - 1);
            noiseX[i] = (float)((random.NextDouble() * 2) - 1);
        }

        float[] smoothY = GaussianSmoothing.Apply(noiseY, size, size, Options.ElasticSigma);
        float[] smoothX = GaussianSmoothing.Apply(noiseX, size, size, Options.ElasticSigma);
        float peak = Math.Max(smoothY.Max(MathF.Abs), smoothX.Max(MathF.Abs));
        float gain = peak > 0 ? (float)(Options.ElasticAlpha / peak) : 0f;
        for (int i = 0; i < sourceY.Length; i++)
        {
            sourceY[i] += smoothY[i] * gain;
            sourceX[i] += smoothX[i] * gain;
        }
    }

    private void ChangeIntensity(Image image, Random random)
    {
        double brightness = Options.Brightness > 0 ? ((random.NextDouble() * 2) - 1) * Options.Brightness : 0;
        double contrast = Options.ContrastMin + (random.NextDouble() * (Options.ContrastMax - Options.ContrastMin));
        double gamma = Options.GammaMin + (random.NextDouble() * (Options.GammaMax - Options.GammaMin));
        bool noise = Options.NoiseSigma > 0;
        if (brightness == 0 && contrast == 1 && gamma == 1 && !noise)
        {
            return;
        }

        Span<float> data = image.Data;
        for (int i = 0; i < data.Length; i++)
        {
            double v = data[i];
            if (gamma != 1)
            {
                v = Math.Sign(v) * Math.Pow(Math.Abs(v), gamma);
            }

            v = (v * contrast) + brightness;
            if (noise)
            {
                // Box-Muller: deterministic from the same Random.
                double u1 = 1.0 - random.NextDouble();
                double u2 = random.NextDouble();
                v += Options.NoiseSigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            }

            data[i] = (float)v;
        }
    }
}

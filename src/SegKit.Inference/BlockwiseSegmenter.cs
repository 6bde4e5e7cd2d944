using SegKit.Core.Blocks;
using SegKit.Core.Images;
using SegKit.Core.Transforms;
using SegKit.Onnx;

namespace SegKit.Inference;

/// <summary>
/// A model applied to an image of any size, block by block (<see cref="BlockSegmentation"/>), so that it gives what one
/// pass over the whole image would: the normalisation is measured once on a thumbnail of the whole image, and the
/// object diameter once (given, or estimated on the central block), then every block is segmented with both fixed.
/// The overlap defaults to twice the diameter in the image (at least 64 px), so an object is seen whole by the block
/// that owns it.
/// </summary>
public sealed class BlockwiseSegmenter(SegmentationModel model, SegmentOptions? options = null, int blockSize = 1024, int? overlap = null)
{
    /// <summary>The longest side of the thumbnail the normalisation is measured on.</summary>
    public const int ThumbnailSide = 2048;

    private readonly SegmentOptions _options = options ?? SegmentOptions.Default;

    /// <summary>What the run used, for the caller's report.</summary>
    public sealed record Settings(double? Diameter, int BlockSize, int Overlap, IntensityScale Intensity);

    public (BlockSegmentationResult Result, Settings Used) Run(IImageBlockSource source, ILabelBandSink sink, int bandAlignment = 1, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sink);
        ModelSegmenter first = model.CreateSegmenter(_options);
        IntensityScale intensity = first.MeasureIntensity(Thumbnail(source, blockSize));
        double? diameter = _options.Diameter;
        if (model.Card.Kind == SegmentationModelKind.Cellpose && diameter is null)
        {
            diameter = model.Card.Diameter;
            if (_options.EstimateDiameter)
            {
                // The central block stands for the image: its estimate (size model or first pass) holds for every block.
                int side = Math.Min(blockSize, Math.Min(source.Height, source.Width));
                var centre = new BlockRegion((source.Height - side) / 2, (source.Width - side) / 2, side, side);
                ModelSegmenter estimator = model.CreateSegmenter(_options with { Intensity = intensity });
                diameter = estimator.Predict(source.Read(centre)).Diameter ?? model.Card.Diameter;
            }
        }

        int margin = overlap ?? Math.Max(64, (int)Math.Ceiling(2 * (diameter ?? 32) / 16.0) * 16);
        margin = Math.Min(margin, blockSize / 2);
        ModelSegmenter segmenter = model.CreateSegmenter(_options with { Diameter = diameter, EstimateDiameter = false, Intensity = intensity });
        var plan = new BlockPlan(source.Height, source.Width, blockSize, margin);
        BlockSegmentationResult result = BlockSegmentation.Run(source, plan, block => segmenter.Segment(block).Labels, sink, bandAlignment, progress);
        return (result, new Settings(diameter, blockSize, margin, intensity));
    }

    /// <summary>The whole image at a reduced scale (every n-th pixel), read block by block.</summary>
    public static Image Thumbnail(IImageBlockSource source, int blockSize)
    {
        ArgumentNullException.ThrowIfNull(source);
        int step = Math.Max(1, (int)Math.Ceiling(Math.Max(source.Height, source.Width) / (double)ThumbnailSide));
        int th = (source.Height + step - 1) / step, tw = (source.Width + step - 1) / step;
        var thumbnail = new Image(source.Channels, th, tw);
        // Bands of whole rows, a multiple of the step high, so every sampled row is inside one band.
        int bandRows = Math.Max(step, blockSize / step * step);
        for (int top = 0; top < source.Height; top += bandRows)
        {
            int rows = Math.Min(bandRows, source.Height - top);
            for (int left = 0; left < source.Width; left += blockSize * step)
            {
                int columns = Math.Min(blockSize * step, source.Width - left);
                Image band = source.Read(new BlockRegion(top, left, rows, columns));
                for (int c = 0; c < source.Channels; c++)
                {
                    ReadOnlySpan<float> from = band.Plane(c);
                    Span<float> to = thumbnail.Plane(c);
                    for (int y = 0; y < rows; y += step)
                    {
                        for (int x = 0; x < columns; x += step)
                        {
                            to[(((top + y) / step) * tw) + ((left + x) / step)] = from[(y * columns) + x];
                        }
                    }
                }
            }
        }

        return thumbnail;
    }
}

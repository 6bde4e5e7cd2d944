using SegKit.Core.Images;

namespace SegKit.Core.Blocks;

/// <summary>Collects the stitched bands into one <see cref="LabelImage"/> (images that fit in memory, and tests).</summary>
public sealed class LabelImageSink(int height, int width) : ILabelBandSink
{
    public LabelImage Labels { get; } = new(height, width);

    public void WriteBand(int top, int rows, ReadOnlySpan<int> labels) => labels[..(rows * Labels.Width)].CopyTo(Labels.Data[(top * Labels.Width)..]);
}

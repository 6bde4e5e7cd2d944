namespace SegKit.Core.Blocks;

/// <summary>
/// Receives the stitched label image band by band, top to bottom, each row of the band complete and final (a tiled
/// TIFF writer, or a label image in memory).
/// </summary>
public interface ILabelBandSink
{
    /// <param name="top">The first row of the band.</param>
    /// <param name="labels">rows x image width labels, row-major.</param>
    void WriteBand(int top, int rows, ReadOnlySpan<int> labels);
}

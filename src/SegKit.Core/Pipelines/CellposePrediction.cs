using SegKit.Core.Flows;
using SegKit.Core.Images;

namespace SegKit.Core.Pipelines;

/// <summary>
/// A Cellpose network's blended output for one image, at the scale the network ran at, before dynamics: what a
/// service keeps to turn the same network pass into masks again with other thresholds (Cellpose's GUI does the same).
/// <see cref="CellposePipeline.Masks"/> makes masks from it exactly as a full run with those thresholds would.
/// </summary>
/// <param name="Height">The image's own height (masks, flows and probability are brought back to it).</param>
/// <param name="Width">The image's own width.</param>
/// <param name="NetworkOutput">[3, h, w] at the network's scale: dY, dX (5x unit flows) and the cell-probability logit.</param>
/// <param name="Diameter">The object diameter the image was rescaled from (null: run at the model's own diameter).</param>
public sealed record CellposePrediction(int Height, int Width, Image NetworkOutput, double? Diameter)
{
    /// <summary>Whether the network ran at a size other than the image's.</summary>
    public bool Rescaled => NetworkOutput.Height != Height || NetworkOutput.Width != Width;

    /// <summary>Bytes held (for caches that bound their memory).</summary>
    public long SizeInBytes => (long)NetworkOutput.Buffer.Length * sizeof(float);
}

using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Core.Pipelines;
using SegKit.Inference;

namespace SegKit.Service;

/// <summary>
/// One uploaded image and what the service computed for it: the network's pass (Cellpose), so that new thresholds
/// need only the dynamics, and the current result with the settings that made it (what the downloads return).
/// </summary>
public sealed class CachedSegmentation
{
    private readonly Lock _gate = new();
    private SegmentationResult _result;
    private DynamicsOptions _dynamics;
    private long _issued;
    private long _applied;

    public CachedSegmentation(string id, ServedModel model, string imageName, PackedImage image, CellposePrediction? prediction, SegmentationResult result, DynamicsOptions dynamics)
    {
        Id = id;
        Model = model;
        ImageName = imageName;
        Image = image;
        Prediction = prediction;
        _result = result;
        _dynamics = dynamics;
    }

    public string Id { get; }

    public ServedModel Model { get; }

    public string ImageName { get; }

    /// <summary>The image, packed (an 8-bit RGB image takes 3 bytes per pixel here instead of 12 as floats).</summary>
    public PackedImage Image { get; }

    /// <summary>The network's pass; null for a U-Net, whose result cannot be re-thresholded.</summary>
    public CellposePrediction? Prediction { get; }

    public (SegmentationResult Result, DynamicsOptions Dynamics) Current
    {
        get
        {
            lock (_gate)
            {
                return (_result, _dynamics);
            }
        }
    }

    /// <summary>
    /// A ticket for a re-thresholding about to start. Re-thresholdings of one result run side by side (the viewer sends
    /// one per slider move); the one that started last must be what the downloads return, whichever finishes last.
    /// </summary>
    public long NextTicket() => Interlocked.Increment(ref _issued);

    /// <summary>Makes <paramref name="result"/> the current one unless a later ticket's result already is.</summary>
    public void Update(long ticket, SegmentationResult result, DynamicsOptions dynamics)
    {
        lock (_gate)
        {
            if (ticket < _applied)
            {
                return;
            }

            _applied = ticket;
            _result = result;
            _dynamics = dynamics;
        }
    }

    /// <summary>Bytes held: the image, the network output, and the result's labels, flows and probability.</summary>
    public long SizeInBytes
    {
        get
        {
            long pixels = (long)Image.Height * Image.Width;
            return Image.SizeInBytes + (Prediction?.SizeInBytes ?? 0) + (pixels * (sizeof(int) + (3 * sizeof(float))));
        }
    }
}

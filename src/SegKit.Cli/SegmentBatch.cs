using SegKit.Inference;

namespace SegKit.Cli;

/// <summary>What segkit segment does with each image, whatever segments it; inputs already expanded to files.</summary>
internal sealed record SegmentBatch(IReadOnlyList<string> Inputs, string OutDir, bool Overwrite, bool SaveFlows, double MaxMegapixels)
{
    /// <summary>Write NAME_rois.zip, an ImageJ ROI set for Fiji's ROI Manager.</summary>
    public bool SaveRois { get; init; }

    /// <summary>Write NAME_cp_outlines.txt, Cellpose's outline text.</summary>
    public bool SaveOutlines { get; init; }

    /// <summary>Segment every image block by block (--blocks); without it only TIFFs above the size limit are.</summary>
    public bool Blocks { get; init; }

    /// <summary>Block-wise segmentation with the run's model and options; null for the classical method, which has none.</summary>
    public Func<BlockwiseSegmenter>? Blockwise { get; init; }
}

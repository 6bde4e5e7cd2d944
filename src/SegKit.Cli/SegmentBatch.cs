namespace SegKit.Cli;

/// <summary>What segkit segment does with each image, whatever segments it; inputs already expanded to files.</summary>
internal sealed record SegmentBatch(IReadOnlyList<string> Inputs, string OutDir, bool Overwrite, bool SaveFlows, double MaxMegapixels);

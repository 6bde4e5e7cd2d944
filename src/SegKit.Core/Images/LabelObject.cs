namespace SegKit.Core.Images;

/// <summary>One object of a label image: its label, pixel count, bounding box and centroid (row, column).</summary>
public sealed record LabelObject(int Label, long Area, BoundingBox Box, double CentroidY, double CentroidX);

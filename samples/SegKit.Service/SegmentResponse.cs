namespace SegKit.Service;

/// <summary>POST /segment answer: the object count and size, the masks when asked for (row-major labels), or the row's error.</summary>
public sealed record SegmentResponse(int ObjectCount, int Height, int Width, int[]? Masks, string? Error);

namespace SegKit.Service;

/// <summary>POST /segment body: an image file the service can read.</summary>
public sealed record SegmentRequest(string ImagePath, bool IncludeMasks = false);

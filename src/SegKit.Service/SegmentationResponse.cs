namespace SegKit.Service;

/// <summary>
/// The answer to POST /segment and POST /segment/{id}/masks: the result's id (for the downloads and re-thresholding
/// while it is cached), the image's size, the diameter used, the settings, the objects, and the time taken.
/// </summary>
public sealed record SegmentationResponse(
    string Id,
    string Model,
    string Image,
    int Width,
    int Height,
    double? Diameter,
    SegmentSettings Settings,
    int ObjectCount,
    IReadOnlyList<ObjectRow> Objects,
    TimingReport Timing,
    ResultLinks Links,
    bool Cached);

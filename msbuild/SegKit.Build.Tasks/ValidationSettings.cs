namespace SegKit.Build.Tasks;

/// <summary>What a model is validated on and what it must reach: AP at <see cref="IoUThreshold"/> at least <see cref="MinimumAveragePrecision"/>.</summary>
internal sealed class ValidationSettings(string imagesFolder, string masksFolder, double minimumAveragePrecision, double iouThreshold)
{
    public string ImagesFolder { get; } = imagesFolder;

    public string MasksFolder { get; } = masksFolder;

    public double MinimumAveragePrecision { get; } = minimumAveragePrecision;

    public double IoUThreshold { get; } = iouThreshold;
}

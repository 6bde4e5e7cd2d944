namespace SegKit.Build.Tasks;

/// <summary>
/// What a model is validated on and what it must reach: AP at <see cref="IoUThreshold"/> at least
/// <see cref="MinimumAveragePrecision"/>, with the validator stopped after <see cref="Timeout"/>.
/// </summary>
internal sealed class ValidationSettings(string imagesFolder, string masksFolder, double minimumAveragePrecision, double iouThreshold, TimeSpan timeout)
{
    /// <summary>The limit when the item sets none: generous for a validation set, short of a build that never ends.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    public string ImagesFolder { get; } = imagesFolder;

    public string MasksFolder { get; } = masksFolder;

    public double MinimumAveragePrecision { get; } = minimumAveragePrecision;

    public double IoUThreshold { get; } = iouThreshold;

    public TimeSpan Timeout { get; } = timeout;
}
